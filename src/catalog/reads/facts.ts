// What an agent's file states, batched by agent id for dataloaders: one statement per kind of
// fact whatever the number of agents, results grouped per id in the order the ids were given.
// Facts of soft-deleted agents are not returned: their rows stay until the agent comes back.
import { type SQL, sql } from "drizzle-orm";
import { splitLines } from "../../definitions/lines.js";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import { distinct, evidence, exact, groupInOrder, num, numOrNull, query } from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export type ToolKind = "builtin" | "mcp" | "wildcard" | "other";
export type ToolTier = "essential" | "optional" | "specialized" | "none";

export interface Evidence {
  /** 1-based line of the file. */
  line: number;
  text: string;
}

export interface AgentTool {
  toolId: number;
  name: string;
  kind: ToolKind;
  /** The MCP server of `mcp__server__tool` names. */
  server: string | null;
  tier: ToolTier;
  position: number;
}

export interface AgentSkill {
  name: string;
  origin: "frontmatter" | "body";
  position: number;
  /** The skill of that name in the agent's source, once there is one. */
  skillId: number | null;
  /** "source/name" of that skill. */
  skillRef: string | null;
  evidence: Evidence | null;
}

export interface AgentCommand {
  /** As written, e.g. "/ops:deploy". */
  name: string;
  position: number;
  commandId: number | null;
  evidence: Evidence;
}

export interface AgentExample {
  position: number;
  context: string | null;
  user: string | null;
  assistant: string | null;
  commentary: string | null;
}

export interface AgentSection {
  position: number;
  title: string;
  key: string;
  level: number;
  /** 1-based file lines of the heading and of the section's last line. */
  line: number;
  endLine: number;
  /** The section's text after its heading, trimmed: what the reader calls a section's text. */
  text: string;
  /** The section's lines exactly as in the file, heading included, line endings kept. */
  markdown: string;
}

export interface SkillInfo {
  id: number;
  ref: string;
  source: string;
  sourceId: number;
  namespace: string;
  name: string;
  description: string | null;
  fileId: number;
  path: string;
}

export interface CommandInfo {
  id: number;
  source: string;
  sourceId: number;
  namespace: string;
  name: string;
  description: string | null;
  fileId: number;
  path: string;
}

const live = sql.raw("join agents a on a.id = x.agent_id and a.deleted_at is null");

/** The columns a tool row is read from (`x` agent_tools, `tl` tools), as SQL and as JSON. */
const TOOL_FIELDS = {
  tool_id: "tl.id",
  name: "tl.name",
  kind: "tl.kind",
  server: "tl.server",
  tier: "x.tier",
  position: "x.position",
};
/** The columns a skill row is read from (`x` agent_skills, `k` skills, `ks` its source). */
const SKILL_FIELDS = {
  name: "x.name",
  origin: "x.origin",
  position: "x.position",
  skill_id: "k.id",
  skill_source: "ks.name",
  skill_name: "k.name",
  evidence_line: "x.evidence_line",
  evidence_text: "x.evidence_text",
};
const columns = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([as, expr]) => `${expr} as ${as}`)
    .join(", ");
const jsonObject = (fields: Record<string, string>) =>
  `json_build_object(${Object.entries(fields)
    .map(([as, expr]) => `'${as}', ${expr}`)
    .join(", ")})`;

function toTool(r: Record<string, unknown>): AgentTool {
  return {
    toolId: num(r.tool_id),
    name: String(r.name),
    kind: r.kind as ToolKind,
    server: (r.server as string | null) ?? null,
    tier: r.tier as ToolTier,
    position: num(r.position),
  };
}

function toSkill(r: Record<string, unknown>): AgentSkill {
  return {
    name: String(r.name),
    origin: r.origin as AgentSkill["origin"],
    position: num(r.position),
    skillId: numOrNull(r.skill_id),
    skillRef: r.skill_id === null ? null : `${r.skill_source}/${r.skill_name}`,
    evidence: evidence(r.evidence_line, r.evidence_text),
  };
}

export async function toolsOf(db: Executor, ids: readonly number[]): Promise<AgentTool[][]> {
  if (ids.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select x.agent_id, ${sql.raw(columns(TOOL_FIELDS))}
          from agent_tools x ${live} join tools tl on tl.id = x.tool_id
         where x.agent_id = any(${pgArray(distinct(ids))}::bigint[])
         order by x.agent_id, x.position`,
  );
  return groupInOrder(ids, rows, (r) => num(r.agent_id)).map((g) => g.map(toTool));
}

export async function skillsOf(db: Executor, ids: readonly number[]): Promise<AgentSkill[][]> {
  if (ids.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select x.agent_id, ${sql.raw(columns(SKILL_FIELDS))}
          from agent_skills x ${live}
          left join skills k on k.id = x.skill_id and k.deleted_at is null
          left join sources ks on ks.id = k.source_id
         where x.agent_id = any(${pgArray(distinct(ids))}::bigint[])
         order by x.agent_id, x.position`,
  );
  return groupInOrder(ids, rows, (r) => num(r.agent_id)).map((g) => g.map(toSkill));
}

/** An agent's tools and skills: the API asks for both together, so they are read together. */
export interface AgentFacts {
  tools: AgentTool[];
  skills: AgentSkill[];
}

/**
 * The facts of the agent whose id the SQL expression `agentId` gives, as two JSON columns
 * (`tools`, `skills`), for statements that read them along with something else.
 */
export function factsColumns(agentId: string): SQL {
  return sql.raw(`
    (select coalesce(json_agg(${jsonObject(TOOL_FIELDS)} order by x.position), '[]'::json)
       from agent_tools x join tools tl on tl.id = x.tool_id where x.agent_id = ${agentId}) as tools,
    (select coalesce(json_agg(${jsonObject(SKILL_FIELDS)} order by x.position), '[]'::json)
       from agent_skills x
       left join skills k on k.id = x.skill_id and k.deleted_at is null
       left join sources ks on ks.id = k.source_id
      where x.agent_id = ${agentId}) as skills`);
}

export function toFacts(row: { tools: unknown; skills: unknown }): AgentFacts {
  return {
    tools: (row.tools as Record<string, unknown>[]).map(toTool),
    skills: (row.skills as Record<string, unknown>[]).map(toSkill),
  };
}

/** Tools and skills of live agents, in one statement; empty for an id with no live agent. */
export async function factsOf(db: Executor, ids: readonly number[]): Promise<AgentFacts[]> {
  if (ids.length === 0) return [];
  const rows = await query<{ id: unknown; tools: unknown; skills: unknown }>(
    db,
    sql`select a.id, ${factsColumns("a.id")}
          from agents a where a.id = any(${pgArray(distinct(ids))}::bigint[]) and a.deleted_at is null`,
  );
  const byId = new Map(rows.map((r) => [num(r.id), toFacts(r)]));
  return ids.map((id) => byId.get(id) ?? { tools: [], skills: [] });
}

export async function commandsOf(db: Executor, ids: readonly number[]): Promise<AgentCommand[][]> {
  if (ids.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select x.agent_id, x.name, x.position, k.id as command_id, x.evidence_line, x.evidence_text
          from agent_commands x ${live}
          left join commands k on k.id = x.command_id and k.deleted_at is null
         where x.agent_id = any(${pgArray(distinct(ids))}::bigint[])
         order by x.agent_id, x.position`,
  );
  return groupInOrder(ids, rows, (r) => num(r.agent_id)).map((g) =>
    g.map((r) => ({
      name: String(r.name),
      position: num(r.position),
      commandId: numOrNull(r.command_id),
      evidence: evidence(r.evidence_line, r.evidence_text)!,
    })),
  );
}

export async function examplesOf(db: Executor, ids: readonly number[]): Promise<AgentExample[][]> {
  if (ids.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select x.agent_id, x.position, x.context, x.user_text, x.assistant_text, x.commentary
          from examples x ${live}
         where x.agent_id = any(${pgArray(distinct(ids))}::bigint[])
         order by x.agent_id, x.position`,
  );
  return groupInOrder(ids, rows, (r) => num(r.agent_id)).map((g) =>
    g.map((r) => ({
      position: num(r.position),
      context: (r.context as string | null) ?? null,
      user: (r.user_text as string | null) ?? null,
      assistant: (r.assistant_text as string | null) ?? null,
      commentary: (r.commentary as string | null) ?? null,
    })),
  );
}

interface SectionRow {
  id: unknown;
  body: string;
  body_offset: unknown;
  sections: { position: number; title: string; key: string; level: number; line: number; end_line: number }[];
}

/**
 * Sections are stored without text: their text is their lines of the body, which is fetched
 * once per agent (sections aggregated as JSON beside it, so a long body is not repeated per
 * section) and sliced here. Section lines are file lines; the body starts after the
 * frontmatter, at an offset equal to the lines of the file minus the lines of the body. Since
 * the body is a suffix of the file starting on a line boundary, that is the number of line
 * breaks in the part before it, which is all that is counted.
 */
export async function sectionsOf(db: Executor, ids: readonly number[]): Promise<AgentSection[][]> {
  if (ids.length === 0) return [];
  const rows = await query<SectionRow>(
    db,
    // Line breaks counted as LF + CR − CRLF (so that CRLF counts once) with replace(), which
    // every Postgres has (regexp_count needs 15; Neon also runs 14).
    sql`select a.id, '|' || a.body as body,
               2 * length(h.head) - length(replace(h.head, E'\n', '')) - length(replace(h.head, E'\r', ''))
                 - (length(h.head) - length(replace(h.head, E'\r\n', ''))) / 2 as body_offset,
               (select coalesce(json_agg(json_build_object('position', x.position, 'title', x.title, 'key', x.key,
                                                           'level', x.level, 'line', x.line, 'end_line', x.end_line)
                                          order by x.position), '[]'::json)
                  from sections x where x.agent_id = a.id) as sections
          from agents a join revisions r on r.id = a.revision_id
          cross join lateral (select left(r.content, length(r.content) - length(a.body)) as head) h
         where a.id = any(${pgArray(distinct(ids))}::bigint[]) and a.deleted_at is null`,
  );
  const byId = new Map<number, AgentSection[]>();
  for (const row of rows) {
    const lines = splitLines(exact(row.body));
    const offset = num(row.body_offset);
    byId.set(
      num(row.id),
      row.sections.map((s) => {
        const own = lines.slice(s.line - 1 - offset, s.end_line - offset);
        return {
          position: s.position,
          title: s.title,
          key: s.key,
          level: s.level,
          line: s.line,
          endLine: s.end_line,
          text: own
            .slice(1)
            .map((l) => l.text)
            .join("\n")
            .trim(),
          markdown: own.map((l) => l.text + l.ending).join(""),
        };
      }),
    );
  }
  return ids.map((id) => byId.get(id)?.slice() ?? []);
}

/** Skills by name within one source, aligned with the names (null where there is none). */
export async function skillsBy(
  db: Executor,
  view: SourceView,
  names: readonly string[],
  source: string,
): Promise<(SkillInfo | null)[]> {
  if (names.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select distinct on (k.name) k.id, s.name as source, k.source_id, k.namespace, k.name, k.description, k.file_id, f.path
          from skills k join sources s on s.id = k.source_id join files f on f.id = k.file_id
         where s.name = ${source} and k.name = any(${pgArray(distinct(names))}::text[]) and k.deleted_at is null${shownSource(view, "s.id")}
         -- a name two files declare answers the one whose path sorts first (decision 0018)
         order by k.name, f.path collate "C"`,
  );
  const byName = new Map(
    rows.map((r) => [
      String(r.name),
      {
        id: num(r.id),
        ref: `${r.source}/${r.name}`,
        source: String(r.source),
        sourceId: num(r.source_id),
        namespace: String(r.namespace),
        name: String(r.name),
        description: (r.description as string | null) ?? null,
        fileId: num(r.file_id),
        path: String(r.path),
      },
    ]),
  );
  return names.map((n) => byName.get(n) ?? null);
}

/**
 * Commands by name within one source, grouped per name in input order. A name may be written
 * as agents write it: "/ns:name" matches that namespace only; "name" or "/name" matches the
 * command of that name in every namespace (plugins reuse command names, hence a list).
 */
export async function commandsBy(
  db: Executor,
  view: SourceView,
  names: readonly string[],
  source: string,
): Promise<CommandInfo[][]> {
  if (names.length === 0) return [];
  const keys = distinct(names);
  const parsed = keys.map((n) => {
    const parts = n.replace(/^\//, "").split(":");
    return { ns: parts.length > 1 ? parts[0]! : null, name: parts.at(-1)! };
  });
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select q.i, k.id, s.name as source, k.source_id, k.namespace, k.name, k.description, k.file_id, f.path
          from unnest(${pgArray(parsed.map((p) => p.ns ?? ""))}::text[], ${pgArray(parsed.map((p) => (p.ns === null ? 0 : 1)))}::int[],
                      ${pgArray(parsed.map((p) => p.name))}::text[]) with ordinality as q(ns, has_ns, name, i)
          join sources s on s.name = ${source}${shownSource(view, "s.id")}
          join commands k on k.source_id = s.id and k.name = q.name and k.deleted_at is null
                         and (q.has_ns = 0 or k.namespace = q.ns)
          join files f on f.id = k.file_id
         order by q.i, k.namespace collate "C"`,
  );
  const grouped = groupInOrder(
    keys.map((_, i) => i + 1),
    rows,
    (r) => num(r.i),
  );
  const byName = new Map(
    keys.map((k, i) => [
      k,
      grouped[i]!.map((r) => ({
        id: num(r.id),
        source: String(r.source),
        sourceId: num(r.source_id),
        namespace: String(r.namespace),
        name: String(r.name),
        description: (r.description as string | null) ?? null,
        fileId: num(r.file_id),
        path: String(r.path),
      })),
    ]),
  );
  return names.map((n) => byName.get(n)?.slice() ?? []);
}
