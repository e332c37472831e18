// Which sources a read may show (issue 16 point 3). A source is public or private
// (`sources.visibility`); a caller reads the public ones when it holds `read`, and a private one
// only with `read:<source>` (src/auth/caller.ts says who holds what; `viewOf` there makes the
// view). Every read in this folder takes a view and filters in its own statement, so that no
// count, page, edge or search rank is computed from rows the caller may not see, and no extra
// statement is sent: the visible source ids are an InitPlan of the statement (computed once per
// statement from the small sources table), not a round trip.
//
// Edges need no masking of their own: a reference resolves only within its own source
// (src/catalog/resolve.ts), so a visible agent's edge never ends at a hidden agent; a public
// file that names a private agent shows that end unresolved, as for any name its source lacks.
// The graph walks filter their joins anyway, as a second lock.
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
  return sql` and ${sourceShown(view, column)}`;
}

/** The condition alone (`true` for every source), for statements that join their conditions. */
export function sourceShown(view: SourceView, column: string): SQL {
  if (view.all) return sql`true`;
  return sql`${sql.raw(column)} = any(${shownIds(view)})`;
}

/**
 * A short text that tells views apart, for cache keys: two callers with the same view share
 * cached graphs and responses, two with different views never do.
 */
export function viewKey(view: SourceView): string {
  if (view.all) return "all";
  return `${view.public ? "public" : "none"}+${[...new Set(view.names)].sort().join(",")}`;
}
