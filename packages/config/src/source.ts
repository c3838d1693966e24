/** Where a setting came from, as a problem names it. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/** A config file, or settings given in code: named before the field, with the line when known (`file:12: field`). */
export interface DocumentSource {
  readonly document: string;
  readonly lineOf?: LineOf | undefined;
}

/** One environment variable or flag: named after the field (`field (from TOLLGATE_PORT)`). */
export interface SettingSource {
  readonly setting: string;
}

export type Source = DocumentSource | SettingSource;
