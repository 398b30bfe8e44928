/**
 * Indexes and constraints built after the data, as pg_restore does: loading millions of rows into
 * a table with twenty indexes maintains every index row by row, while building each index once
 * over the loaded table is a sort. The definitions are read from the catalog and put back verbatim,
 * so the schema afterwards is exactly the migrated one, and every foreign key is checked against
 * every row when it is added back.
 */
import type { Loader } from './loader.js';

interface Definition {
  table: string;
  name: string;
  definition: string;
}

export interface DeferredIndexes {
  /** Primary keys and unique constraints. */
  keys: Definition[];
  indexes: Definition[];
  /** Foreign keys on the tables, and those of other tables that point at them. */
  foreignKeys: Definition[];
}

export async function dropIndexes(loader: Loader, tables: readonly string[]): Promise<DeferredIndexes> {
  const constraints = (types: string) =>
    loader.query<Definition>(
      `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition
         from pg_constraint
        where contype = any($2::"char"[])
          and (conrelid = any($1::text[]::regclass[]) or (contype = 'f' and confrelid = any($1::text[]::regclass[])))
        order by conrelid::regclass::text, conname`,
      [tables, `{${types}}`],
    );
  const foreignKeys = await constraints('f');
  const keys = await constraints('p,u');
  const indexes = await loader.query<Definition>(
    `select i.indrelid::regclass::text as table, c.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = any($1::text[]::regclass[])
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x'))
      order by c.relname`,
    [tables],
  );
  for (const fk of foreignKeys) await loader.exec(`alter table ${fk.table} drop constraint ${fk.name}`);
  for (const key of keys) await loader.exec(`alter table ${key.table} drop constraint ${key.name}`);
  for (const index of indexes) await loader.exec(`drop index ${index.name}`);
  return { keys, indexes, foreignKeys };
}

/** Every statement that puts the schema back, in dependency order: keys, indexes, foreign keys. */
export function restoreStatements(deferred: DeferredIndexes): { label: string; sql: string }[] {
  return [
    ...deferred.keys.map((key) => ({ label: key.name, sql: `alter table ${key.table} add constraint ${key.name} ${key.definition}` })),
    ...deferred.indexes.map((index) => ({ label: index.name, sql: index.definition })),
    ...deferred.foreignKeys.map((fk) => ({ label: fk.name, sql: `alter table ${fk.table} add constraint ${fk.name} ${fk.definition}` })),
  ];
}
