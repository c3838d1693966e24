/**
 * Kysely's migrator looks for its own tables through the dialect's introspector on every start. Kysely's
 * PostgresIntrospector lists every column of every table in the whole database and resolves each row's
 * schema BY NAME (`has_schema_privilege(nspname, ...)`, `pg_get_serial_sequence('schema.table', ...)`).
 * Name lookups read the latest catalog, not the query's snapshot, so a schema that another session drops
 * while that query runs fails it with `schema "<theirs>" does not exist`: Tollgate would refuse to start
 * because some unrelated schema in its database was being dropped. This introspector reads the
 * connection's current schema only (Tollgate's: the pool sets `search_path` to it, see pool.ts), joining
 * catalogs by oid, so nothing outside that schema can make it fail.
 */
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/** Kysely's own tables, left out of `getTables()` unless asked for, as Kysely's introspectors do. */
const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock'];

interface ColumnRow {
  schema: string;
  table: string;
  table_type: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  type: string;
  type_schema: string;
  comment: string | null;
  auto_incrementing: boolean;
}

export class SchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.#db);
    return rows.map((row) => ({ name: row.name }));
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    // Identity columns (attidentity) and serial columns (a sequence owned through pg_depend) auto-increment.
    const { rows } = await sql<ColumnRow>`
      select ns.nspname as "schema", c.relname as "table", c.relkind as table_type, a.attname as "column", a.attnotnull as not_null,
             a.atthasdef as has_default, typ.typname as "type", tns.nspname as type_schema,
             col_description(a.attrelid, a.attnum) as "comment",
             (a.attidentity <> '' or exists (
               select 1 from pg_catalog.pg_depend d join pg_catalog.pg_class s on s.oid = d.objid
                where d.refobjid = c.oid and d.refobjsubid = a.attnum and s.relkind = 'S'
             )) as auto_incrementing
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        join pg_catalog.pg_type typ on typ.oid = a.atttypid
        join pg_catalog.pg_namespace tns on tns.oid = typ.typnamespace
       where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped
       order by c.relname, a.attnum`.execute(this.#db);
    return groupByTable(
      options.withInternalKyselyTables ? rows : rows.filter((row) => !KYSELY_TABLES.includes(row.table)),
    );
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

function groupByTable(rows: readonly ColumnRow[]): TableMetadata[] {
  const tables = new Map<string, TableMetadata>();
  for (const row of rows) {
    let table = tables.get(row.table);
    if (table === undefined) {
      table = { name: row.table, schema: row.schema, isView: row.table_type === 'v', columns: [] };
      tables.set(row.table, table);
    }
    table.columns.push({
      name: row.column,
      dataType: row.type,
      dataTypeSchema: row.type_schema,
      isAutoIncrementing: row.auto_incrementing,
      isNullable: !row.not_null,
      hasDefaultValue: row.has_default,
      ...(row.comment === null ? {} : { comment: row.comment }),
    });
  }
  return [...tables.values()];
}

/** Kysely's PostgreSQL dialect with its introspection confined to the connection's current schema. */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db);
  }
}
