// References that point at nothing yet (collaborators, skills, commands), from the
// `unresolved_references` view, paginated. The view has no key of its own: rows are ordered
// by agent, kind, name and line, and rows equal on all four are numbered, which makes a key
// that pages cannot skip or repeat rows by (rows equal in every column are interchangeable).
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import {
  checkCount,
  decodeCursor,
  encodeCursor,
  evidence,
  isInt4,
  isPlainText,
  num,
  type Page,
  query,
} from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export type UnresolvedKind = "collaborator" | "skill" | "command" | "group";

export interface UnresolvedReference {
  /** This row's pagination cursor (for Relay edges). */
  cursor: string;
  agentId: number;
  /** "source/name" of the agent whose file holds the reference. */
  agentRef: string;
  source: string;
  sourceId: number;
  kind: UnresolvedKind;
  /** The name as written (an agent name, a skill name, or a command such as "/ops:rollback"). */
  name: string;
  /** For an ambiguous collaborator, the refs it could mean. */
  candidates: string[];
  evidence: { line: number; text: string } | null;
}

export interface UnresolvedArgs {
  source?: string;
  first: number;
  after?: string | null;
}

const ORDER = "UNRESOLVED";

export async function unresolvedReferences(
  db: Executor,
  view: SourceView,
  args: UnresolvedArgs,
): Promise<Page<UnresolvedReference>> {
  checkCount("first", args.first);
  const after = args.after ? decodeCursor(args.after, ORDER, unresolvedKey) : null;
  const filter: SQL = sql`where ${
    args.source !== undefined
      ? sql`u.source_id = (select id from sources where name = ${args.source})`
      : sql`true`
  }${shownSource(view, "u.source_id")}`;
  let keyset: SQL = sql`true`;
  if (after) {
    const [kind, name, line, n] = after.key;
    keyset = sql`(m.agent_id, m.kind collate "C", m.name collate "C", m.line, m.n)
                   > (${after.id}::bigint, ${kind}::text collate "C", ${name}::text collate "C", ${line}::int, ${n}::int)`;
  }
  const rows = await query<Record<string, unknown>>(
    db,
    sql`with matched as (
          select u.*, coalesce(u.evidence_line, 0) as line,
                 row_number() over (partition by u.agent_id, u.kind, u.name, u.evidence_line
                                    order by u.evidence_text collate "C", u.candidates::text collate "C")::int as n
            from unresolved_references u ${filter}
        ), page as (
          select m.* from matched m
           where ${keyset}
           order by m.agent_id, m.kind collate "C", m.name collate "C", m.line, m.n
           limit ${args.first + 1}
        )
        select c.total, p.agent_id, p.kind, p.name, p.candidates, p.evidence_line, p.evidence_text, p.line, p.n,
               a.name as agent_name, s.name as source, s.id as source_id
          from (select count(*) as total from matched) c
          left join (page p join agents a on a.id = p.agent_id join sources s on s.id = a.source_id) on true
         order by p.agent_id, p.kind collate "C", p.name collate "C", p.line, p.n`,
  );
  const total = num(rows[0]?.total ?? 0);
  const present = rows.filter((r) => r.agent_id !== null && r.agent_id !== undefined);
  const kept = present.slice(0, args.first);
  const last = kept.at(-1);
  const cursorOf = (r: (typeof kept)[number]) =>
    encodeCursor(ORDER, JSON.stringify([r.kind, r.name, num(r.line), num(r.n)]), num(r.agent_id));
  return {
    nodes: kept.map((r) => ({
      cursor: cursorOf(r),
      agentId: num(r.agent_id),
      agentRef: `${r.source}/${r.agent_name}`,
      source: String(r.source),
      sourceId: num(r.source_id),
      kind: r.kind as UnresolvedKind,
      name: String(r.name),
      candidates: (r.candidates as string[] | null) ?? [],
      evidence: evidence(r.evidence_line, r.evidence_text),
    })),
    hasNextPage: present.length > args.first,
    endCursor: last ? cursorOf(last) : null,
    totalCount: total,
  };
}

/**
 * The rest of an unresolved reference's key, `[kind, name, line, n]` as JSON text, or null:
 * texts Postgres takes as text parameters, ints an int4 holds (they are cast ::int).
 */
function unresolvedKey(key: unknown): [string, string, number, number] | null {
  if (typeof key !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 4 &&
    isPlainText(parsed[0]) &&
    isPlainText(parsed[1]) &&
    isInt4(parsed[2]) &&
    isInt4(parsed[3])
  )
    return parsed as [string, string, number, number];
  return null;
}
