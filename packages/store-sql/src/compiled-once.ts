/**
 * Statements on a login's path, compiled by Kysely once per store instead of on every run. Kysely builds a query as
 * a tree of frozen nodes and compiles it to SQL text each time it runs; for the user's read and the refresh token
 * family's three inserts that was about a tenth of a JSON login's event-loop CPU (perf, cpu-clock, main thread).
 * Here the first run of a statement is built and compiled by Kysely as before, for this store's dialect; later
 * runs send the SQL text it compiled with the new values. The text is kept only when the values given are exactly
 * the ones Kysely bound, in its order (and, for an insert, when its column list is the row's defined columns in
 * order), so the text and the values can never drift apart: a statement that fails the check is compiled each run.
 */
import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';

interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export class CompiledOnce {
  /** Key -> SQL text, per store (so per dialect). */
  readonly #sql = new Map<string, string>();

  /**
   * Runs the statement `build` makes. `parameters` must be the values Kysely binds for it, in order; `key` names the
   * statement's shape (the same key, the same SQL text).
   */
  async run<R>(
    executor: Executor,
    key: string,
    parameters: readonly unknown[],
    build: () => Compilable<R>,
    textMatches: (sql: string) => boolean = () => true,
  ): Promise<QueryResult<R>> {
    const sql = this.#sql.get(key);
    if (sql !== undefined) return executor.executeQuery(CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<R>);
    const compiled = build().compile();
    if (sameValues(compiled.parameters, parameters) && textMatches(compiled.sql)) this.#sql.set(key, compiled.sql);
    return executor.executeQuery(compiled);
  }

  /** `insert into <table> (...) values (...)` of one row: the columns are the row's keys whose value is defined. */
  async insert(executor: Executor, table: string, row: object, build: () => Compilable<unknown>): Promise<void> {
    const defined = (Object.entries(row) as [string, unknown][]).filter(([, value]) => value !== undefined);
    const columnList = `(${defined.map(([column]) => `"${column}"`).join(', ')})`;
    await this.run(
      executor,
      `insert ${table} ${columnList}`,
      defined.map(([, value]) => value),
      build,
      (sql) => sql.includes(columnList),
    );
  }
}

function sameValues(bound: readonly unknown[], given: readonly unknown[]): boolean {
  return bound.length === given.length && bound.every((value, index) => Object.is(value, given[index]));
}
