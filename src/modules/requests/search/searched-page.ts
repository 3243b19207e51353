/**
 * Pages of requests that match a search, sorted as their list is (the queue by due time, lists by
 * submission), fast whether the words are rare or common.
 *
 * Units of work run on generic plans, which cannot tell a rare word from a common one. Walking a
 * list's sorted index and testing each row finds a common word's first page at once, but reads the
 * whole index for a word that is rare or absent; looking the words up in the full-text (GIN) index
 * is the reverse. So both are written, and one decides at run time: the matches are looked up,
 * at most HITS of them; fewer than that, and the page is made from them; as many, and the word is
 * common enough for the walk to meet a page of them soon. The branch not taken is not run (a
 * one-time filter).
 */
import { sql, type RawBuilder } from 'kysely';
import { visibleTo } from '../requests.repository.js';
import type { Visibility } from '../requests.policy.js';

/** The most matches looked up before a search counts as common. */
export const HITS = 1000;

function and(conditions: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}

/** The reference range that starts with `text` (references are upper case), or none when no reference could. */
function referenceRange(text: string): { from: string; to: string } | undefined {
  const from = text.trim().toUpperCase();
  if (!/^[A-Z0-9/_.-]{1,40}$/.test(from)) return undefined;
  const to = from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
  return { from, to };
}

/** Whether request alias `alias` matches: the words, or a reference starting with the text. */
export function matches(text: string, alias: string): RawBuilder<unknown> {
  const r = sql.raw(alias);
  const range = referenceRange(text);
  // A sub-select, so that the words are parsed once per query rather than once per row.
  const words = sql`${r}.search @@ (select websearch_to_tsquery('english', ${text}))`;
  return range
    ? sql`(${words} or (${r}.reference ~>=~ ${range.from} and ${r}.reference ~<~ ${range.to}))`
    : words;
}

/**
 * `hits` (matching requests `scope` allows, as `id`: at most HITS found by their words, and as many
 * by their reference) and `gate` (whether they are few enough to make a page from). The words are
 * looked up by request_search_ids (migration 0018), which can use the full-text index; the
 * references through their own index, which row level security does not stop.
 */
function hitsAndGate(text: string, scope: RawBuilder<unknown>, openOnly: boolean): RawBuilder<unknown> {
  const range = referenceRange(text);
  // The queue holds work still to do: a reference counts only if its request has some.
  const open = openOnly
    ? sql`and exists (select 1 from request_work q where q.request_id = r.id and q.active)`
    : sql``;
  const byReference = range
    ? sql`union
          (select r.id from requests r
            where ${scope} and r.reference ~>=~ ${range.from} and r.reference ~<~ ${range.to} ${open}
            limit ${HITS})`
    : sql``;
  return sql`found as materialized (
      select f.id from request_search_ids(${text}, ${openOnly}, ${HITS}) as f(id)
    ), hits as materialized (
      (select r.id from found f join requests r on r.id = f.id where ${scope})
      ${byReference}
    ), gate as (
      select (select count(*) from found) < ${HITS} and (select count(*) from hits) < ${HITS} as few
    )`;
}

/**
 * The body of the queue's `page` (request_id, due_at: the first `limit` rows of the host's work in
 * due order that match `text` and `conditions` on `w`). The queue keeps its own copy of each
 * request's words (request_work.search, migration 0023): both ways read the queue alone, the
 * look-up through its full-text index (request_work_search_ids), the walk row by row.
 */
export function queueSearchPage(
  text: string,
  hostOrgId: string,
  conditions: RawBuilder<unknown>[],
  limit: number,
): RawBuilder<unknown> {
  const range = referenceRange(text);
  const references = range
    ? sql`select r.id from requests r
           where r.host_org_id = ${hostOrgId} and r.reference ~>=~ ${range.from} and r.reference ~<~ ${range.to}
             and exists (select 1 from request_work q where q.request_id = r.id and q.active)
           limit ${HITS}`
    : sql`select null::uuid as id where false`;
  return sql`
    with found as materialized (
      select f.id from request_work_search_ids(${hostOrgId}, ${text}, ${HITS}) as f(id)
    ), refs as materialized (${references}),
    gate as (
      select (select count(*) from found) < ${HITS} and (select count(*) from refs) < ${HITS} as few
    ),
    few as materialized (
      select w.request_id, w.due_at from request_work w
       where w.request_id in (select id from found union select id from refs) and ${and(conditions)}
    )
    select * from (
      (select request_id, due_at from few where (select few from gate)
        order by due_at, request_id limit ${limit})
      union all
      (select w.request_id, w.due_at from request_work w
        where not (select few from gate) and ${and(conditions)}
          and (w.search @@ (select websearch_to_tsquery('english', ${text}))
               ${range ? sql`or w.request_id in (select id from refs)` : sql``})
        order by w.due_at, w.request_id limit ${limit})
    ) page_rows order by due_at, request_id limit ${limit}`;
}

/**
 * The ids of the first `limit` requests the caller sees, newest first, that match `text` and
 * `conditions` on `r` (as `id`, `submitted_at`).
 */
export function listSearchPage(
  text: string,
  visibility: Visibility,
  conditions: RawBuilder<unknown>[],
  limit: number,
): RawBuilder<unknown> {
  return sql`
    with ${hitsAndGate(text, visibleTo(visibility), false)},
    few as materialized (
      select r.id, r.submitted_at from hits h join requests r on r.id = h.id
       where ${and(conditions)}
    )
    select * from (
      (select id, submitted_at from few where (select few from gate)
        order by submitted_at desc, id desc limit ${limit})
      union all
      (select r.id, r.submitted_at from requests r
        where not (select few from gate) and ${and(conditions)} and ${matches(text, 'r')}
        order by r.submitted_at desc, r.id desc limit ${limit})
    ) page_rows order by submitted_at desc, id desc limit ${limit}`;
}
