// An agent file's history and what changed between two versions. Only text is stored per
// revision; a diff parses both texts again with the current reader, so it is as good as the
// reader is today, for old revisions too.
import { sql } from "drizzle-orm";
import { type Definition, parseDefinition } from "../../definitions/index.js";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import type { CollaborationKind } from "./collaborations.js";
import { NotFoundError } from "./errors.js";
import { date, distinct, exact, groupInOrder, num, query } from "./internal.js";

export interface RevisionInfo {
  id: number;
  fileId: number;
  /** 1 for the file's first version, counting up. */
  number: number;
  contentHash: string;
  createdAt: Date;
  /** The version the catalog currently reads the agent from. */
  current: boolean;
}

/** The revisions of each agent's file, newest first, grouped per id in input order. */
export async function revisionsOf(db: Executor, agentIds: readonly number[]): Promise<RevisionInfo[][]> {
  if (agentIds.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select a.id as for_id, r.id, r.file_id, r.number, r.content_hash, r.created_at, r.id = a.revision_id as current
          from agents a join revisions r on r.file_id = a.file_id
         where a.id = any(${pgArray(distinct(agentIds))}::bigint[]) and a.deleted_at is null
         order by a.id, r.number desc`,
  );
  return groupInOrder(agentIds, rows, (r) => num(r.for_id)).map((g) =>
    g.map((r) => ({
      id: num(r.id),
      fileId: num(r.file_id),
      number: num(r.number),
      contentHash: String(r.content_hash),
      createdAt: date(r.created_at),
      current: r.current === true,
    })),
  );
}

export interface DiffTool {
  name: string;
  tier: string;
}

export interface DiffEdge {
  kind: CollaborationKind;
  from: string;
  to: string;
  summary: string | null;
}

export interface DiffExample {
  context: string | null;
  user: string | null;
  assistant: string | null;
  commentary: string | null;
  text: string;
}

export interface Change<T> {
  from: T;
  to: T;
}

export interface RevisionDiff {
  from: { revisionId: number; fileId: number; number: number };
  to: { revisionId: number; fileId: number; number: number };
  /** Null when unchanged (as for every field below that is a Change or null). */
  name: Change<string> | null;
  model: Change<{ raw: string; family: string } | null> | null;
  descriptionChanged: boolean;
  color: Change<string | null> | null;
  toolsMode: Change<string> | null;
  tools: { added: DiffTool[]; removed: DiffTool[]; changed: { name: string; from: string; to: string }[] };
  skills: { added: string[]; removed: string[] };
  /** Compared by kind, from and to (peers either way round). */
  collaborations: { added: DiffEdge[]; removed: DiffEdge[] };
  /** Compared by the example's text. */
  examples: { added: DiffExample[]; removed: DiffExample[] };
  commands: { added: string[]; removed: string[] };
  bodyChanged: boolean;
}

interface Facts {
  name: string;
  model: { raw: string; family: string } | null;
  description: string | null;
  color: string | null;
  toolsMode: string;
  tools: DiffTool[];
  skills: string[];
  collaborations: DiffEdge[];
  examples: DiffExample[];
  commands: string[];
  body: string;
}

function factsOf(def: Definition): Facts {
  if (def.kind === "plugin")
    return {
      name: def.name,
      model: null,
      description: def.description,
      color: null,
      toolsMode: "inherit",
      tools: [],
      skills: [],
      collaborations: [],
      examples: [],
      commands: [],
      body: "",
    };
  return {
    name: def.name,
    model: def.model ? { raw: def.model.raw, family: def.model.family } : null,
    description: def.description,
    color: def.color,
    toolsMode: def.tools.mode,
    tools: def.tools.items.map((t) => ({ name: t.name, tier: t.tier })),
    skills: def.skills.map((s) => s.name),
    collaborations: def.collaborations.map((c) => ({
      kind: c.kind,
      from: c.from,
      to: c.to,
      summary: c.summary,
    })),
    examples: def.examples.map((e) => ({
      context: e.context,
      user: e.user,
      assistant: e.assistant,
      commentary: e.commentary,
      text: e.text,
    })),
    commands: def.commands.map((c) => c.name),
    body: def.body,
  };
}

/** Items of `a` not in `b`, as multisets by key (a duplicate counts as one more). */
function minus<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  const left = new Map<string, number>();
  for (const item of b) left.set(key(item), (left.get(key(item)) ?? 0) + 1);
  return a.filter((item) => {
    const n = left.get(key(item)) ?? 0;
    if (n > 0) left.set(key(item), n - 1);
    return n === 0;
  });
}

function change<T>(from: T, to: T, same: (a: T, b: T) => boolean = (a, b) => a === b): Change<T> | null {
  return same(from, to) ? null : { from, to };
}

const edgeKey = (e: DiffEdge) =>
  e.kind === "peer" ? `peer:${[e.from, e.to].sort().join("|")}` : `${e.kind}:${e.from}>${e.to}`;
const self = (s: string) => s;

/**
 * What changed from one revision to another (usually of the same file, but any two can be
 * compared, e.g. an agent and its variant). Throws NotFoundError for an unknown revision.
 */
export async function revisionDiff(
  db: Executor,
  fromRevisionId: number,
  toRevisionId: number,
): Promise<RevisionDiff> {
  const [diff] = await revisionDiffs(db, [{ from: fromRevisionId, to: toRevisionId }]);
  if (diff instanceof Error) throw diff;
  return diff!;
}

/**
 * The diffs of several pairs of revisions, aligned with the pairs; a NotFoundError in place of
 * a diff that names an unknown revision. One statement for all the pairs (`Agent.diff` of a
 * page of agents: one statement instead of one per agent); a revision in several pairs is
 * parsed once.
 */
export async function revisionDiffs(
  db: Executor,
  pairs: readonly { from: number; to: number }[],
): Promise<(RevisionDiff | NotFoundError)[]> {
  const ids = distinct(pairs.flatMap((p) => [p.from, p.to])).filter((id) => Number.isSafeInteger(id));
  const rows =
    ids.length === 0
      ? []
      : await query<Record<string, unknown>>(
          db,
          sql`select r.id, r.file_id, r.number, f.path, f.kind, '|' || r.content as content
                from revisions r join files f on f.id = r.file_id
               where r.id = any(${pgArray(ids)}::bigint[])`,
        );
  const parsed = new Map<number, { info: RevisionDiff["from"]; facts: Facts }>();
  for (const row of rows) {
    const id = num(row.id);
    const kind = String(row.kind) as Definition["kind"];
    parsed.set(id, {
      info: { revisionId: id, fileId: num(row.file_id), number: num(row.number) },
      facts: factsOf(parseDefinition(exact(row.content), { path: String(row.path), kind })),
    });
  }
  return pairs.map(({ from, to }) => {
    const a = parsed.get(from);
    const b = parsed.get(to);
    if (!a) return new NotFoundError("revision", from);
    if (!b) return new NotFoundError("revision", to);
    return diffOf(a, b);
  });
}

function diffOf(
  a: { info: RevisionDiff["from"]; facts: Facts },
  b: { info: RevisionDiff["from"]; facts: Facts },
): RevisionDiff {
  const x = a.facts;
  const y = b.facts;
  const toolTier = new Map(x.tools.map((t) => [t.name, t.tier]));
  return {
    from: a.info,
    to: b.info,
    name: change(x.name, y.name),
    model: change(x.model, y.model, (p, q) => p?.raw === q?.raw),
    descriptionChanged: x.description !== y.description,
    color: change(x.color, y.color),
    toolsMode: change(x.toolsMode, y.toolsMode),
    tools: {
      added: minus(y.tools, x.tools, (t) => t.name),
      removed: minus(x.tools, y.tools, (t) => t.name),
      changed: y.tools
        .filter((t) => toolTier.has(t.name) && toolTier.get(t.name) !== t.tier)
        .map((t) => ({ name: t.name, from: toolTier.get(t.name)!, to: t.tier })),
    },
    skills: { added: minus(y.skills, x.skills, self), removed: minus(x.skills, y.skills, self) },
    collaborations: {
      added: minus(y.collaborations, x.collaborations, edgeKey),
      removed: minus(x.collaborations, y.collaborations, edgeKey),
    },
    examples: {
      added: minus(y.examples, x.examples, (e) => e.text),
      removed: minus(x.examples, y.examples, (e) => e.text),
    },
    commands: { added: minus(y.commands, x.commands, self), removed: minus(x.commands, y.commands, self) },
    bodyChanged: x.body !== y.body,
  };
}
