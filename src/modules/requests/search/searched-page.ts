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
 * 1. a glance: the first entries of the walk (LIST_GLANCE, QUEUE_GLANCE); a common word fills the
 *    page there;
 * 2. the look-up, of at most HITS matches; fewer than that, and the page is made from them;
 * 3. as many, and the word is common enough for the whole walk to meet a page of them.
 *
 * A way not taken is not run (one-time filters). The indexes the walks take carry the words
 * (migration 0031), so a walk reads an index alone, not a row of the table for every entry; a
 * list's walk runs in request_list_walk (migration 0032), which tests the caller's visibility once
 * rather than row level security on every entry, and so goes four times as far in the same time.
 */
import { sql, type RawBuilder } from 'kysely';
import { visibleTo } from '../requests.repository.js';
import { and } from '../requests.sql.js';
import type { Visibility } from '../requests.policy.js';

/** The most matches looked up before a search counts as common. */
export const HITS = 1000;

/**
 * How many entries of its index a search walks before it looks its words up: the list's in 6–15 ms
 * (request_list_walk), the queue's in about 2.5 ms (row level security tested on each).
 */
export const LIST_GLANCE = 20_000;
export const QUEUE_GLANCE = 2_000;

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
  /**
   * The walk: the page's columns of the rows that meet the filters and match (their words, or their
   * id among the references found), in order: at most `limit` of them, of the first `scan` entries
   * (all when undefined).
   */
  walk: (scan: number | undefined, limit: number) => RawBuilder<unknown>;
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
    glance as materialized (${ways.walk(glance, limit)}),
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
      (select ${columns} from (${ways.walk(undefined, limit)}) s
        where not (select enough from glanced) and not (select few from gate))
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
  { hits = HITS, glance = QUEUE_GLANCE }: Reach = {},
): RawBuilder<unknown> {
  const range = referenceRange(text);
  const matching = sql`(w.search @@ ${words(text)} ${range ? sql`or w.request_id in (select id from refs)` : sql``})`;
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
    // Bounded, the words are tested on the entries walked (a subquery with a limit keeps them out of
    // it); unbounded, on the walk itself.
    walk: (scan, limit) =>
      scan === undefined
        ? sql`select w.request_id, w.due_at from request_work w where ${and([...conditions, matching])}
               order by w.due_at, w.request_id limit ${limit}`
        : sql`select w.request_id, w.due_at from (
                select w.request_id, w.due_at, w.search from request_work w where ${and(conditions)}
                 order by w.due_at, w.request_id limit ${scan}) w
               where ${matching} limit ${limit}`,
    columns: sql`request_id, due_at`,
    order: sql`due_at, request_id`,
    limit,
    hits,
    glance,
  });
}

/** What a list is filtered by besides its words: the caller's visibility, a status, a cursor. */
export interface ListFilter {
  status?: string | undefined;
  /** After this (submitted, id), newest first. */
  after?: { at: string; id: string } | undefined;
}

/** A list's filters as conditions on requests `r`. */
export function listConditions(visibility: Visibility, filter: ListFilter): RawBuilder<unknown>[] {
  const conditions = [visibleTo(visibility)];
  if (filter.status) conditions.push(sql`r.status = ${filter.status}`);
  if (filter.after)
    conditions.push(
      sql`(r.submitted_at, r.id) < (${filter.after.at}::timestamptz, ${filter.after.id}::uuid)`,
    );
  return conditions;
}

/**
 * The ids of the first `limit` requests the caller sees, newest first, that match `text` and
 * `filter` (as `id`, `submitted_at`). The walks run in request_list_walk (migration 0032) and test
 * the words and the references found (not each row's reference, which the list's indexes do not
 * carry).
 */
export function listSearchPage(
  text: string,
  visibility: Visibility,
  filter: ListFilter,
  limit: number,
  { hits = HITS, glance = LIST_GLANCE }: Reach = {},
): RawBuilder<unknown> {
  const range = referenceRange(text);
  const conditions = listConditions(visibility, filter);
  const [host, org, user] =
    visibility.kind === 'host'
      ? [visibility.hostOrgId, null, null]
      : visibility.kind === 'organisation'
        ? [null, visibility.orgId, null]
        : [null, visibility.orgId, visibility.userId];
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
    walk: (scan, limit) => sql`select f.id, f.submitted_at
        from request_list_walk(${text}, ${host}::uuid, ${org}::uuid, ${user}::uuid, ${filter.status ?? null}::text,
                               ${filter.after?.at ?? null}::timestamptz, ${filter.after?.id ?? null}::uuid,
                               ${range ? sql`(select array_agg(id) from refs)` : sql`null::uuid[]`},
                               ${scan ?? null}::integer, ${limit}::integer) as f`,
    columns: sql`id, submitted_at`,
    order: sql`submitted_at desc, id desc`,
    limit,
    hits,
    glance,
  });
}
