import { sql, type RawBuilder } from 'kysely';

/**
 * Rows passed as one JSON array, in their order: `rows from (jsonb_to_recordset(…)) with ordinality`
 * as `alias`, with the columns given (`name type, …`) and `ord`, the row's place (from 1).
 */
export function orderedRows(rows: readonly object[], columns: string, alias: string): RawBuilder<unknown> {
  const names = columns
    .split(',')
    .map((column) => column.trim().split(/\s+/)[0])
    .join(', ');
  return sql`rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (${sql.raw(columns)}))
    with ordinality as ${sql.raw(alias)}(${sql.raw(names)}, ord)`;
}

/** The columns of a public event as the workflow writes them. */
export const EVENT_COLUMNS = `at timestamptz, actor_user_id uuid, actor_name text, actor_kind text, kind text,
  from_value text, to_value text, reason text, body text, by_host boolean`;

/** Conditions joined by `and`; `true` when there are none. */
export function and(conditions: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}
