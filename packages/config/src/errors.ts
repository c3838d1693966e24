/** A configuration refused, with every problem found, each on its own (`problems`) and all in the message. */
export class ConfigProblems extends Error {
  readonly problems: readonly string[];
  /** `subject` says whose configuration it is in the message: `invalid gateway configuration: ...`. */
  constructor(subject: string, problems: string[]) {
    super(`invalid ${subject}: ${problems.join('; ')}`);
    this.name = 'ConfigProblems';
    this.problems = problems;
  }
}
