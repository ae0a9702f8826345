import type { ClientBase } from 'pg';

/** A schema's objects as comparable text, by a key such as `column outbox_messages.body`. */
export type Catalog = Map<string, string>;

/**
 * Reads the tables, columns, indexes, constraints and enum types of `schema` (but `ignoreTable`).
 * Run with search_path = pg_catalog so every name comes out qualified; the schema's own name is
 * then written `<schema>`, so two schemas made by the same migrations read the same.
 */
export async function readCatalog(client: ClientBase, schema: string, ignoreTable: string): Promise<Catalog> {
  const catalog: Catalog = new Map();
  const { rows: quoted } = await client.query<{ q: string }>('SELECT quote_ident($1) AS q', [schema]);
  const qualifier = `${quoted[0].q}.`;
  const neutral = (text: string | null) => (text ?? '').split(qualifier).join('<schema>.');

  const columns = await client.query<{ t: string; c: string; type: string; notnull: boolean; def: string | null }>(
    `SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> $2`,
    [schema, ignoreTable],
  );
  for (const r of columns.rows) {
    catalog.set(`table ${r.t}`, 'exists');
    catalog.set(
      `column ${r.t}.${r.c}`,
      `${neutral(r.type)}${r.notnull ? ' NOT NULL' : ''}${r.def ? ` DEFAULT ${neutral(r.def)}` : ''}`,
    );
  }
  const indexes = await client.query<{ t: string; i: string; def: string }>(
    `SELECT t.relname AS t, i.relname AS i, pg_get_indexdef(i.oid) AS def
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname <> $2`,
    [schema, ignoreTable],
  );
  for (const r of indexes.rows) catalog.set(`index ${r.t}.${r.i}`, neutral(r.def));
  const constraints = await client.query<{ t: string; c: string; def: string }>(
    `SELECT t.relname AS t, k.conname AS c, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname <> $2`,
    [schema, ignoreTable],
  );
  for (const r of constraints.rows) catalog.set(`constraint ${r.t}.${r.c}`, neutral(r.def));
  const enums = await client.query<{ e: string; labels: string }>(
    `SELECT t.typname AS e, string_agg(quote_literal(v.enumlabel), ', ' ORDER BY v.enumsortorder) AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum v ON v.enumtypid = t.oid
      WHERE n.nspname = $1 GROUP BY t.typname`,
    [schema],
  );
  for (const r of enums.rows) catalog.set(`enum ${r.e}`, r.labels);
  return catalog;
}

/** How `actual` differs from `expected`, one sentence per object. */
export function catalogDifferences(expected: Catalog, actual: Catalog): string[] {
  const differences: string[] = [];
  for (const [key, want] of expected) {
    const found = actual.get(key);
    if (found === undefined) differences.push(`Missing ${key}`);
    else if (found !== want) differences.push(`Changed ${key}: expected ${want}, found ${found}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`Unexpected ${key}`);
  return differences.sort();
}
