// Which sources a read may show (issue 16 point 3). A source is public or private
// (`sources.visibility`); a caller reads the public ones when it holds `read`, and a private one
// only with `read:<source>` (src/auth/caller.ts says who holds what; `viewOf` there makes the
// view). Every read in this folder takes a view and filters in its own statement, so that no
// count, page, edge or search rank is computed from rows the caller may not see, and no extra
// statement is sent: the visible source ids are an InitPlan of the statement (computed once per
// statement from the small sources table), not a round trip.
//
// An edge stated by a visible agent whose other end is in a hidden source shows that end as
// unresolved (the name as written, which is the visible file's own text), never the hidden
// agent: see `maskedEnd`.
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";

export type SourceView =
  /** Every source: admins, and the CLI on the machine that holds the database. */
  | { all: true }
  /** The public sources when `public`, and the named sources (private or not). */
  | { all: false; public: boolean; names: readonly string[] };

export const EVERY_SOURCE: SourceView = { all: true };

/** The public sources only (anonymous callers under AGENTRY_READ_ACCESS=public). */
export const PUBLIC_SOURCES: SourceView = { all: false, public: true, names: [] };

/** The ids of the sources the view shows, as an SQL array expression (one InitPlan). */
function shownIds(view: Exclude<SourceView, { all: true }>): SQL {
  const names = [...new Set(view.names)].sort();
  const conditions: SQL[] = [];
  if (view.public) conditions.push(sql`vis.visibility = 'public'`);
  if (names.length > 0) conditions.push(sql`vis.name = any(${pgArray(names)}::text[])`);
  if (conditions.length === 0) return sql`'{}'::int[]`;
  return sql`array(select vis.id from sources vis where ${sql.join(conditions, sql` or `)})`;
}

/**
 * `and <column> is a source the view shows`, for a source id column (`a.source_id`, `s.id`);
 * nothing for a view of every source, so an admin's statements are the ones they always were.
 */
export function shownSource(view: SourceView, column: string): SQL {
  if (view.all) return sql``;
  return sql` and ${sql.raw(column)} = any(${shownIds(view)})`;
}

/**
 * `and <agent id column> is null or an agent the view shows`, for the resolved end of an
 * edge: true for an unresolved end.
 */
export function shownAgent(view: SourceView, agentIdColumn: string): SQL {
  if (view.all) return sql``;
  const id = sql.raw(agentIdColumn);
  return sql` and (${id} is null or exists (select 1 from agents va where va.id = ${id}${shownSource(view, "va.source_id")}))`;
}

/**
 * An edge end's agent id as the view shows it: the id when its agent is in a shown source, null
 * (unresolved) otherwise.
 */
export function maskedEnd(view: SourceView, agentIdColumn: string): SQL {
  const id = sql.raw(agentIdColumn);
  if (view.all) return id;
  return sql`(select va.id from agents va where va.id = ${id}${shownSource(view, "va.source_id")})`;
}

/**
 * The refs ("source/name") of an ambiguous name's candidates that the view shows: a candidate
 * in a hidden source is not named.
 */
export function maskedCandidates(view: SourceView, column: string): SQL {
  const candidates = sql.raw(column);
  if (view.all) return candidates;
  return sql`(select coalesce(array_agg(vc.ref order by vc.ord), '{}'::text[])
                from unnest(${candidates}) with ordinality as vc(ref, ord)
                join sources vs on vs.name = split_part(vc.ref, '/', 1)${shownSource(view, "vs.id")})`;
}

/**
 * A short text that tells views apart, for cache keys: two callers with the same view share
 * cached graphs and responses, two with different views never do.
 */
export function viewKey(view: SourceView): string {
  if (view.all) return "all";
  return `${view.public ? "public" : "none"}+${[...new Set(view.names)].sort().join(",")}`;
}
