// The agent listing: filters, full-text search, three orderings and keyset pagination, in one
// statement per page. The total count comes from the same statement: the filtered set is a
// CTE counted once, and the page is left-joined to that count so that an empty page (past the
// end) still reports it.
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import { AGENT_COLUMNS, type AgentRow, type AgentSummary, toAgentSummary } from "./agents.js";
import { InvalidArgumentError } from "./errors.js";
import { exactlyNamed } from "./exact-name.js";
import { checkCount, decodeCursor, encodeCursor, isPlainText, type Page, query } from "./internal.js";
import { type SourceView, sourceShown } from "./visibility.js";

export type AgentOrder = "NAME" | "UPDATED_AT" | "RELEVANCE";

export interface AgentFilter {
  /** Source name. */
  source?: string;
  /** Plugin namespace ("" for agents outside plugins). */
  namespace?: string;
  modelFamily?: string;
  /** An agent that lists this tool, in any tier. */
  tool?: string;
  /** An agent that names this skill (frontmatter or body), resolved or not. */
  skill?: string;
  color?: string;
  /**
   * Web-search syntax ("quoted phrase", -excluded, or), matched against the name, description
   * and body, weighted in that order; agents the text names exactly (name or ref, see
   * exact-name.ts) match too and rank first under RELEVANCE. Blank text filters nothing.
   */
  text?: string;
  /**
   * Agents whose name holds this text, ignoring case (`lower` on both sides, as Postgres folds
   * it): the type-ahead of a catalog too big to index in a page (the explorer's, past 1,000
   * agents). Blank text filters nothing.
   */
  nameContains?: string;
}

export interface ListAgentsArgs {
  filter?: AgentFilter;
  /**
   * NAME (default): by name, byte order, then id. UPDATED_AT: most recently updated first.
   * RELEVANCE: best full-text match first; only with `filter.text`.
   */
  orderBy?: AgentOrder;
  /** Page size; the caller enforces its cap. */
  first: number;
  after?: string | null;
}

export interface ListedAgent extends AgentSummary {
  /** This agent's pagination cursor (for Relay edges). */
  cursor: string;
  /** The full-text rank (ts_rank_cd) when `filter.text` was given, else null. */
  rank: number | null;
}

export type AgentPage = Page<ListedAgent>;

interface ListRow extends AgentRow {
  total: unknown;
  sort_key: string | null;
  rank: number | null;
}

export async function listAgents(db: Executor, view: SourceView, args: ListAgentsArgs): Promise<AgentPage> {
  const filter = args.filter ?? {};
  const order = args.orderBy ?? "NAME";
  checkCount("first", args.first);
  const text = filter.text?.trim() ? filter.text : null;
  if (order === "RELEVANCE" && text === null)
    throw new InvalidArgumentError("orderBy", "RELEVANCE needs a text filter");
  const after = args.after ? decodeCursor(args.after, order, KEY_OF[order]) : null;

  const where: SQL[] = [sql`a.deleted_at is null`];
  if (!view.all) where.push(sourceShown(view, "a.source_id"));
  if (filter.source !== undefined)
    where.push(sql`a.source_id = (select id from sources where name = ${filter.source})`);
  if (filter.namespace !== undefined) where.push(sql`a.namespace = ${filter.namespace}`);
  if (filter.modelFamily !== undefined) where.push(sql`a.model_family = ${filter.modelFamily}`);
  if (filter.color !== undefined) where.push(sql`a.color = ${filter.color}`);
  // strpos, not like: the text's own % and _ are letters here, with nothing to escape.
  if (filter.nameContains?.trim())
    where.push(sql`strpos(lower(a.name), lower(${filter.nameContains.trim()})) > 0`);
  if (filter.tool !== undefined)
    where.push(sql`exists (select 1 from agent_tools x join tools tl on tl.id = x.tool_id
                            where x.agent_id = a.id and tl.name = ${filter.tool})`);
  if (filter.skill !== undefined)
    where.push(
      sql`exists (select 1 from agent_skills x where x.agent_id = a.id and x.name = ${filter.skill})`,
    );
  // The vectors live in agent_search (see catalog/search-index.ts), joined only for a text filter.
  // Agents the text names exactly (exact-name.ts) match whatever their vector says, and rank first.
  const named = text !== null ? exactlyNamed(text) : sql`'{}'::bigint[]`;
  if (text !== null)
    where.push(sql`(x.search @@ websearch_to_tsquery('english', ${text}) or x.agent_id = any(${named}))`);
  const rank =
    text !== null ? sql`ts_rank_cd(x.search, websearch_to_tsquery('english', ${text}))` : sql`null::real`;
  const exact = text !== null ? sql`(x.agent_id = any(${named}))::int` : sql`0`;
  const searchJoin = text !== null ? sql`join agent_search x on x.agent_id = a.id` : sql``;

  // Each ordering: its ORDER BY, the key the cursor keeps (as Postgres prints it, to compare
  // back exactly), and the keyset condition for rows after the cursor. Names sort in byte
  // order (collate "C") so that pages agree whatever the database's collation.
  let orderBy: SQL;
  let sortKey: SQL;
  let keyset: SQL = sql`true`;
  switch (order) {
    case "NAME":
      orderBy = sql`m.name collate "C", m.id`;
      sortKey = sql`m.name`;
      if (after)
        keyset = sql`(m.name collate "C", m.id) > (${after.key}::text collate "C", ${after.id}::bigint)`;
      break;
    case "UPDATED_AT":
      orderBy = sql`m.updated_at desc, m.id desc`;
      // to_json prints ISO 8601 with microseconds whatever the session's DateStyle.
      sortKey = sql`to_json(m.updated_at) #>> '{}'`;
      if (after) keyset = sql`(m.updated_at, m.id) < (${after.key}::timestamptz, ${after.id}::bigint)`;
      break;
    case "RELEVANCE": {
      // Exact name matches first, then by rank: the key is `exact:rank` (a cursor made before
      // exact matches ranked first holds the rank alone).
      orderBy = sql`m.exact desc, m.rank desc, m.id`;
      sortKey = sql`m.exact || ':' || m.rank::text`;
      if (after) {
        const [e, r] = relevanceKey(after.key)!;
        const at = sql`(${e}::int, ${r}::real)`;
        keyset = sql`((m.exact, m.rank) < ${at} or ((m.exact, m.rank) = ${at} and m.id > ${after.id}::bigint))`;
      }
      break;
    }
  }

  const rows = await query<ListRow>(
    db,
    sql`with matched as (
          select a.id, a.name, a.updated_at, ${rank} as rank, ${exact} as exact
            from agents a ${searchJoin}
           where ${sql.join(where, sql` and `)}
        ), page as (
          select m.id, m.rank, m.exact, ${sortKey} as sort_key
            from matched m
           where ${keyset}
           order by ${orderBy}
           limit ${args.first + 1}
        )
        select c.total, p.sort_key, p.rank, ${AGENT_COLUMNS}
          from (select count(*) as total from matched) c
          left join (page p
                     join agents a on a.id = p.id
                     join sources s on s.id = a.source_id
                     join files f on f.id = a.file_id
                     join revisions r on r.id = a.revision_id) on true
         order by ${sql.raw(orderFor(order))}`,
  );

  const total = Number(rows[0]?.total ?? 0);
  const present = rows.filter((r) => r.id !== null && r.id !== undefined);
  const hasNextPage = present.length > args.first;
  const kept = present.slice(0, args.first);
  const nodes = kept.map((r) => ({
    ...toAgentSummary(r),
    rank: r.rank === null ? null : Number(r.rank),
    cursor: encodeCursor(order, r.sort_key, Number(r.id)),
  }));
  const last = kept.at(-1);
  return {
    nodes,
    hasNextPage,
    endCursor: last ? encodeCursor(order, last.sort_key, Number(last.id)) : null,
    totalCount: total,
  };
}

/**
 * What each ordering's keyset casts the cursor's key to, checked before any SQL: a forged
 * cursor (valid base64url JSON with a key of its own) is an InvalidCursorError, never a
 * statement Postgres fails on `'1e30'::timestamptz` or `'x'::real`.
 */
const KEY_OF: Record<AgentOrder, (key: unknown) => string | null> = {
  NAME: (key) => (isPlainText(key) ? key : null),
  UPDATED_AT: (key) => (typeof key === "string" && isTimestamp(key) ? key : null),
  RELEVANCE: (key) => (relevanceKey(key) ? (key as string) : null),
};

/** A timestamptz as `to_json` prints one (ISO 8601, up to microseconds, with its offset). */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

export function isTimestamp(key: string): boolean {
  const m = TIMESTAMP.exec(key);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m
    .slice(1)
    .map((v) => (v === undefined ? 0 : Number(v)));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    year! >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours! <= 15 &&
    offsetMinutes! <= 59
  );
}

/** A float4 as Postgres prints one: finite and within real's range (it refuses 1e39 and 1e-46). */
const REAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A RELEVANCE key, `exact:rank` (exact 0 or 1), or the rank alone (cursors made before exact
 * matches ranked first), as [exact, rank]; null when it is neither.
 */
export function relevanceKey(key: unknown): [string, string] | null {
  if (typeof key !== "string") return null;
  const m = /^(?:([01]):)?(.*)$/.exec(key)!;
  const rank = m[2]!;
  if (!REAL.test(rank)) return null;
  const value = Math.abs(Number(rank));
  if (!Number.isFinite(value) || value > 3.4e38 || (value !== 0 && value < 1.2e-38)) return null;
  return [m[1] ?? "0", rank];
}

/** The page's order again, outside: a join does not keep the order of its inputs. */
function orderFor(order: AgentOrder): string {
  switch (order) {
    case "NAME":
      return `a.name collate "C", a.id`;
    case "UPDATED_AT":
      return "a.updated_at desc, a.id desc";
    case "RELEVANCE":
      return "p.exact desc, p.rank desc, a.id";
  }
}
