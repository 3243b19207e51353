/**
 * Pages of requests that match a search, sorted as their list is (the queue by due time, lists by
 * submission), fast whether the words are rare or common.
 *
 * Units of work run on generic plans, which cannot tell a rare word from a common one. Walking a
 * list's sorted index and testing each row finds a common word's first page at once, but reads the
 * whole index for a word that is rare or absent; looking the words up in the full-text (GIN) index
 * is the reverse, and costs as much as the word has matches. So the ways are written together and
 * decided between at run time, each only if the one before it did not make the page:
 *
 * 1. a glance: the first GLANCE entries of the walk; a common word fills the page there;
 * 2. the look-up, of at most HITS matches; fewer than that, and the page is made from them;
 * 3. as many, and the word is common enough for the whole walk to meet a page of them.
 *
 * A way not taken is not run (one-time filters). The indexes the walks take carry the words
 * (migration 0031), so a walk reads an index alone, not a row of the table for every entry.
 */
import { sql, type RawBuilder } from 'kysely';
import { visibleTo } from '../requests.repository.js';
import type { Visibility } from '../requests.policy.js';

/** The most matches looked up before a search counts as common. */
export const HITS = 1000;

/** How many entries of its index a search walks before it looks its words up. */
export const GLANCE = 2000;

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

/** The words, parsed once per query rather than once per row. */
const words = (text: string) => sql`(select websearch_to_tsquery('english', ${text}))`;

interface Ways {
  /** The matches a full-text index gives, at most `hits` of them: `id`. */
  found: RawBuilder<unknown>;
  /** As many whose reference starts with the text (`id`), or none when no reference could. */
  references: RawBuilder<unknown> | undefined;
  /** The rows of the found and referred ids that meet the filters: the page's columns. */
  few: RawBuilder<unknown>;
  /** The walk: the page's columns of the rows that meet the filters, in order, given a limit. */
  walk: (limit: number) => RawBuilder<unknown>;
  /** Whether a walked row (alias `s`) matches: its words, or its id among the references found. */
  matching: RawBuilder<unknown>;
  /** The page's columns, and its order by them. */
  columns: RawBuilder<unknown>;
  order: RawBuilder<unknown>;
  limit: number;
  hits: number;
  glance: number;
}

/** How far each way goes: tests make them short, to take each way with a few rows. */
export interface Reach {
  hits?: number;
  glance?: number;
}

/** The first `limit` rows in order of the ways above: the glance, else the look-up, else the walk. */
function searched(ways: Ways): RawBuilder<unknown> {
  const { limit, hits, glance, columns, order } = ways;
  return sql`
    with found as materialized (${ways.found}),
    refs as materialized (${ways.references ?? sql`select null::uuid as id where false`}),
    glance as materialized (
      select ${columns} from (${ways.walk(glance)}) s where ${ways.matching} limit ${limit}
    ),
    glanced as (select count(*) >= ${limit} as enough from glance),
    gate as (
      select (select count(*) from found) < ${hits} and (select count(*) from refs) < ${hits} as few
    ),
    few as materialized (${ways.few})
    select * from (
      (select ${columns} from glance where (select enough from glanced))
      union all
      (select ${columns} from few where not (select enough from glanced) and (select few from gate)
        order by ${order} limit ${limit})
      union all
      (select ${columns} from (${ways.walk(0)}) s
        where not (select enough from glanced) and not (select few from gate) and ${ways.matching}
        limit ${limit})
    ) page_rows order by ${order} limit ${limit}`;
}

/**
 * The body of the queue's `page` (request_id, due_at: the first `limit` rows of the host's work in
 * due order that match `text` and `conditions` on `w`). The queue keeps its own copy of each
 * request's words (request_work.search, migration 0023): every way reads the queue alone, the
 * look-up through its full-text index (request_work_search_ids), the walks its due-time index.
 */
export function queueSearchPage(
  text: string,
  hostOrgId: string,
  conditions: RawBuilder<unknown>[],
  limit: number,
  { hits = HITS, glance = GLANCE }: Reach = {},
): RawBuilder<unknown> {
  const range = referenceRange(text);
  return searched({
    found: sql`select f.id from request_work_search_ids(${hostOrgId}, ${text}, ${hits}) as f(id)`,
    references:
      range &&
      sql`select r.id from requests r
           where r.host_org_id = ${hostOrgId} and r.reference ~>=~ ${range.from} and r.reference ~<~ ${range.to}
             and exists (select 1 from request_work q where q.request_id = r.id and q.active)
           limit ${hits}`,
    few: sql`select w.request_id, w.due_at from request_work w
              where w.request_id in (select id from found union select id from refs) and ${and(conditions)}`,
    walk: (bound) => sql`select w.request_id, w.due_at, w.search from request_work w where ${and(conditions)}
                          order by w.due_at, w.request_id ${bound ? sql`limit ${bound}` : sql``}`,
    matching: sql`(s.search @@ ${words(text)} ${range ? sql`or s.request_id in (select id from refs)` : sql``})`,
    columns: sql`request_id, due_at`,
    order: sql`due_at, request_id`,
    limit,
    hits,
    glance,
  });
}

/**
 * The ids of the first `limit` requests the caller sees, newest first, that match `text` and
 * `conditions` on `r` (as `id`, `submitted_at`). The walks test the words and the references found
 * (not each row's reference, which the list's indexes do not carry).
 */
export function listSearchPage(
  text: string,
  visibility: Visibility,
  conditions: RawBuilder<unknown>[],
  limit: number,
  { hits = HITS, glance = GLANCE }: Reach = {},
): RawBuilder<unknown> {
  const range = referenceRange(text);
  return searched({
    // The look-up applies the visibility of the policy requests_read; `few` narrows it to the caller's.
    found: sql`select f.id from request_search_ids(${text}, false, ${hits}) as f(id)`,
    references:
      range &&
      sql`select r.id from requests r
           where ${visibleTo(visibility)} and r.reference ~>=~ ${range.from} and r.reference ~<~ ${range.to}
           limit ${hits}`,
    few: sql`select r.id, r.submitted_at from requests r
              where r.id in (select id from found union select id from refs) and ${and(conditions)}`,
    walk: (bound) => sql`select r.id, r.submitted_at, r.search from requests r where ${and(conditions)}
                          order by r.submitted_at desc, r.id desc ${bound ? sql`limit ${bound}` : sql``}`,
    matching: sql`(s.search @@ ${words(text)} ${range ? sql`or s.id in (select id from refs)` : sql``})`,
    columns: sql`id, submitted_at`,
    order: sql`submitted_at desc, id desc`,
    limit,
    hits,
    glance,
  });
}
