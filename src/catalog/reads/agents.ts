// Agents by id and by ref ("source/name"): the summaries every other read returns, and the
// exact text of an agent's current file. Batched lookups answer any number of keys in one
// statement, aligned with the keys, null where there is no live agent.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { type Diagnostic, diagnosticSchema } from "../../definitions/types.js";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import { date, distinct, exact, num, query } from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export type ModelFamily = "opus" | "sonnet" | "haiku" | "inherit" | "other";
/** inherit: no `tools` key; none: `tools: []`; all: `tools: *`; list: explicit tools. */
export type ToolsMode = "inherit" | "none" | "all" | "list";

export interface AgentModel {
  raw: string;
  family: ModelFamily;
}

export interface AgentSummary {
  id: number;
  /**
   * "source/name". Unique across the catalog but for a name conflict (two files of a source
   * declaring one name, decision 0018): the ref then answers the file whose path sorts first.
   */
  ref: string;
  source: string;
  sourceId: number;
  /** The plugin the file is in ("" outside plugins). */
  namespace: string;
  name: string;
  /** The file name without extension. */
  stem: string;
  description: string | null;
  model: AgentModel | null;
  color: string | null;
  toolsMode: ToolsMode;
  fileId: number;
  path: string;
  revisionId: number;
  revisionNumber: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The summary's columns, for statements that alias agents `a`, sources `s`, files `f` and
 * revisions `r` (see AGENT_JOINS). Other reads embed them so that a summary is one shape.
 */
export const AGENT_COLUMNS: SQL = sql.raw(
  `a.id, s.name as source, a.source_id, a.namespace, a.name, a.stem, a.description, a.model_raw,
   a.model_family, a.color, a.tools_mode, a.file_id, f.path, a.revision_id, r.number as revision_number,
   a.created_at, a.updated_at`,
);

export const AGENT_JOINS: SQL = sql.raw(
  "join sources s on s.id = a.source_id join files f on f.id = a.file_id join revisions r on r.id = a.revision_id",
);

export interface AgentRow {
  id: unknown;
  source: string;
  source_id: unknown;
  namespace: string;
  name: string;
  stem: string;
  description: string | null;
  model_raw: string | null;
  model_family: string | null;
  color: string | null;
  tools_mode: string;
  file_id: unknown;
  path: string;
  revision_id: unknown;
  revision_number: unknown;
  created_at: unknown;
  updated_at: unknown;
}

export function toAgentSummary(row: AgentRow): AgentSummary {
  return {
    id: num(row.id),
    ref: `${row.source}/${row.name}`,
    source: row.source,
    sourceId: num(row.source_id),
    namespace: row.namespace,
    name: row.name,
    stem: row.stem,
    description: row.description,
    model:
      row.model_raw === null
        ? null
        : { raw: row.model_raw, family: (row.model_family ?? "other") as ModelFamily },
    color: row.color,
    toolsMode: row.tools_mode as ToolsMode,
    fileId: num(row.file_id),
    path: row.path,
    revisionId: num(row.revision_id),
    revisionNumber: num(row.revision_number),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

/** Splits "source/name" at its last slash: agent names never hold one, source names may. */
export function parseRef(ref: string): { source: string; name: string } | null {
  const cut = ref.lastIndexOf("/");
  if (cut <= 0 || cut === ref.length - 1) return null;
  return { source: ref.slice(0, cut), name: ref.slice(cut + 1) };
}

/**
 * The distinct ids that can name a row: an id decoded from a client's global id may be NaN or
 * out of range, and one such value in a bigint[] parameter fails the statement for the whole
 * batch (every other id of the request with it).
 */
export function liveIds(ids: readonly number[]): number[] {
  return distinct(ids).filter((id) => Number.isSafeInteger(id) && id > 0);
}

export async function getAgentsByIds(
  db: Executor,
  view: SourceView,
  ids: readonly number[],
): Promise<(AgentSummary | null)[]> {
  if (ids.length === 0) return [];
  const wanted = liveIds(ids);
  if (wanted.length === 0) return ids.map(() => null);
  const rows = await query<AgentRow>(
    db,
    sql`select ${AGENT_COLUMNS} from agents a ${AGENT_JOINS}
         where a.id = any(${pgArray(wanted)}::bigint[]) and a.deleted_at is null${shownSource(view, "a.source_id")}`,
  );
  const byId = new Map(rows.map((r) => [num(r.id), toAgentSummary(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function getAgentsByRefs(
  db: Executor,
  view: SourceView,
  refs: readonly string[],
): Promise<(AgentSummary | null)[]> {
  const wanted = distinct(refs)
    .map(parseRef)
    .filter((r) => r !== null);
  if (wanted.length === 0) return refs.map(() => null);
  // A name two files declare (decision 0018) answers the file whose path sorts first.
  const rows = await query<AgentRow>(
    db,
    sql`select distinct on (a.source_id, a.name) ${AGENT_COLUMNS}
          from unnest(${pgArray(wanted.map((w) => w.source))}::text[], ${pgArray(wanted.map((w) => w.name))}::text[]) as q(source, name)
          join sources s on s.name = q.source${shownSource(view, "s.id")}
          join agents a on a.source_id = s.id and a.name = q.name and a.deleted_at is null
          join files f on f.id = a.file_id
          join revisions r on r.id = a.revision_id
         order by a.source_id, a.name, f.path collate "C"`,
  );
  const byRef = new Map(rows.map((r) => [`${r.source}/${r.name}`, toAgentSummary(r)]));
  return refs.map((ref) => byRef.get(ref) ?? null);
}

export async function getAgentByRef(
  db: Executor,
  view: SourceView,
  ref: string,
): Promise<AgentSummary | null> {
  if (parseRef(ref) === null) return null;
  const [agent] = await getAgentsByRefs(db, view, [ref]);
  return agent ?? null;
}

/** The exact text of the agent's current file (byte order mark and line endings included). */
export async function getAgentMarkdown(db: Executor, agentId: number): Promise<string | null> {
  const [text] = await markdownsOf(db, [agentId]);
  return text ?? null;
}

/**
 * The exact text of each agent's current file, aligned with the ids (null for no live agent).
 * One statement for any number of agents: `Agent.markdown` and `Agent.diagnostics` of a page
 * of 100 cost one statement instead of 100.
 */
export async function markdownsOf(db: Executor, agentIds: readonly number[]): Promise<(string | null)[]> {
  const ids = liveIds(agentIds);
  if (ids.length === 0) return agentIds.map(() => null);
  const rows = await query<{ id: unknown; content: unknown }>(
    db,
    sql`select a.id, '|' || r.content as content
          from agents a join revisions r on r.id = a.revision_id
         where a.id = any(${pgArray(ids)}::bigint[]) and a.deleted_at is null`,
  );
  const byId = new Map(rows.map((r) => [num(r.id), exact(r.content)]));
  return agentIds.map((id) => byId.get(id) ?? null);
}

const storedDiagnostics = z.array(diagnosticSchema);

/**
 * What the reader noticed in each agent's file, as stored at import, aligned with the ids:
 * null for no live agent, and `"unparsed"` for a row written before migration 0005 (the caller
 * reads the file then). One statement for any number of agents.
 */
export async function diagnosticsOf(
  db: Executor,
  agentIds: readonly number[],
): Promise<(Diagnostic[] | "unparsed" | null)[]> {
  const ids = liveIds(agentIds);
  if (ids.length === 0) return agentIds.map(() => null);
  const rows = await query<{ id: unknown; diagnostics: unknown }>(
    db,
    sql`select a.id, a.diagnostics from agents a
         where a.id = any(${pgArray(ids)}::bigint[]) and a.deleted_at is null`,
  );
  const byId = new Map<number, Diagnostic[] | "unparsed">();
  for (const r of rows) {
    const raw = typeof r.diagnostics === "string" ? JSON.parse(r.diagnostics) : r.diagnostics;
    const parsed = raw === null || raw === undefined ? null : storedDiagnostics.safeParse(raw);
    byId.set(num(r.id), parsed?.success ? parsed.data : "unparsed");
  }
  return agentIds.map((id) => byId.get(id) ?? null);
}
