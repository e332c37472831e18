// What a publish would change, without changing anything (issue 16 point 1: `agentry plan`,
// `agentry push --dry-run`; docs/decisions/0025-push-and-plan.md). The plan runs exactly the
// import a publish runs (importInTransaction: the same reader, revisions, resolution and
// report) in a transaction that holds the source's lock as a publish does, reads the catalog
// before and after inside it, and rolls it back: nothing of it is ever committed (no rows, no
// generation step, no audit event, no catalog token).
//
// What it answers: the report; agents added and removed; agents changed, each with the
// semantic diff of its revision before and its revision after (revisionDiffs, the diff
// `Agent.diff` answers, run inside the transaction, where the new revision exists); and the
// references that would become unresolved (the `unresolved_references` view after minus
// before), each with the agent whose file holds it and the line of its evidence.
//
// Also the source's stored paths and content hashes (`publishedFiles`), so that a push sends
// only the files whose hash the source does not hold.
import { sql } from "drizzle-orm";
import { rowsOf } from "./bulk.js";
import type { AgentryTx, Database, Executor } from "./database.js";
import { byteOrder, type ImportReport } from "./import.js";
import { withImportLock } from "./import-lock.js";
import {
  ConflictError,
  importAndDelete,
  type PublishFile,
  type PublishWriter,
  takeSourceLock,
  type Who,
} from "./publish.js";
import { checkDeletePaths, checkPublishFiles } from "./publish-limits.js";
import { NotFoundError } from "./reads/errors.js";
import { decodeCursor, encodeCursor } from "./reads/internal.js";
import { type RevisionDiff, revisionDiffs } from "./reads/revisions.js";
import { retryTransient } from "./retry.js";

export interface PlannedAgent {
  /** `source/name`. */
  ref: string;
  name: string;
  /** The path of the file that declares it. */
  path: string;
}

export interface PlannedChange extends PlannedAgent {
  /** Its revision now against the revision the publish would make. */
  diff: RevisionDiff;
}

export type BrokenKind = "collaborator" | "skill" | "command";

export interface BrokenReference {
  kind: BrokenKind;
  /** The name as the reference writes it (an agent, a skill, a command such as `/ops:rollback`). */
  name: string;
  /** The agent whose file holds the reference: its ref and path. */
  agent: string;
  path: string;
  /** The evidence: the line of `path` that states the reference, and its text. */
  line: number | null;
  text: string | null;
  /** The name named an agent, skill or command that this publish removes (a dependent it breaks). */
  targetRemoved: boolean;
}

export interface PublishPlan {
  source: string;
  /** The source's generation now (0 for a source that does not exist yet). */
  currentGeneration: number;
  /** The report the publish would answer (its `generation`: the one it would leave). */
  report: ImportReport;
  added: PlannedAgent[];
  removed: PlannedAgent[];
  changed: PlannedChange[];
  /** References unresolved after the publish that were not before, by agent, kind and name. */
  broken: BrokenReference[];
}

export interface PlanOptions {
  source: string;
  /** The files of the publish (as `publish`'s `files`), or none with a staging. */
  files: readonly PublishFile[];
  /** Plan a staged publish instead (beginPublish, stagePublishFiles): its files, then `files`. */
  stagingId?: string | null;
  prune?: boolean;
  ifGeneration?: number | null;
  /** Paths the publish would delete by name (`publish`'s `delete`). */
  delete?: readonly string[];
}

/** Thrown inside the transaction to roll it back, carrying the plan out. */
class RolledBack extends Error {
  constructor(readonly plan: PublishPlan) {
    super("a plan's transaction is always rolled back");
  }
}

/**
 * What `publish` (or `commitPublish` of the staging) would answer and change, computed in a
 * transaction that is rolled back. Refused as a publish would be: the limits (PublishRefusedError),
 * `ifGeneration` and a deleted source (ConflictError), the lock held too long (SourceBusyError),
 * another caller's or an expired staging (NotFoundError). A staging planned stays as it is.
 */
export async function planPublish(
  writer: PublishWriter,
  options: PlanOptions,
  who: Who,
): Promise<PublishPlan> {
  checkPublishFiles(options.files);
  const run = () =>
    retryTransient(async () => {
      try {
        await writer.transaction(async (tx) => {
          await takeSourceLock(tx, options.source);
          throw new RolledBack(await planInTransaction(tx, options, who));
        });
      } catch (e) {
        if (e instanceof RolledBack) return e.plan;
        throw e;
      }
      throw new Error("unreachable: a plan's transaction returned");
    });
  if (writer.driver === "pglite" && writer.advisoryLock)
    return withImportLock(writer as Database, options.source, run);
  return run();
}

async function planInTransaction(tx: AgentryTx, options: PlanOptions, who: Who): Promise<PublishPlan> {
  const [state] = rowsOf<{ generation: unknown; deleted: boolean }>(
    await tx.execute(
      sql`select generation, deleted_at is not null as deleted from sources where name = ${options.source}`,
    ),
  );
  const current = state ? Number(state.generation) : 0;
  let ifGeneration = options.ifGeneration ?? null;
  let files: PublishFile[] = [...options.files];
  if (options.stagingId) {
    const staged = await stagedFiles(tx, options.stagingId, options.source, who);
    ifGeneration ??= staged.ifGeneration;
    const sent = new Set(files.map((f) => f.path));
    files = [...staged.files.filter((f) => !sent.has(f.path)), ...files];
  }
  if (state?.deleted)
    throw new ConflictError(
      `source "${options.source}" is deleted: restoreSource("${options.source}") brings it back before a publish`,
      options.source,
      current,
      ifGeneration,
    );
  if (ifGeneration !== null && ifGeneration !== current)
    throw new ConflictError(
      `source "${options.source}" is at generation ${current}, not ${ifGeneration}: someone else published in between; read it again and retry`,
      options.source,
      current,
      ifGeneration,
    );
  const before = await snapshot(tx, options.source);
  checkDeletePaths(options.delete ?? [], new Set(files.map((f) => f.path)));
  const report = await importAndDelete(tx, options.source, files, {
    prune: options.prune ?? false,
    delete: options.delete,
  });
  const after = await snapshot(tx, options.source);

  const added: PlannedAgent[] = [];
  const removed: PlannedAgent[] = [];
  const pairs: { agent: PlannedAgent; from: number; to: number }[] = [];
  for (const [name, now] of after.agents) {
    const then = before.agents.get(name);
    if (!then) added.push(agentOf(options.source, name, now.path));
    else if (then.revisionId !== now.revisionId)
      pairs.push({
        agent: agentOf(options.source, name, now.path),
        from: then.revisionId,
        to: now.revisionId,
      });
  }
  for (const [name, then] of before.agents)
    if (!after.agents.has(name)) removed.push(agentOf(options.source, name, then.path));
  const diffs = await revisionDiffs(
    tx,
    pairs.map((p) => ({ from: p.from, to: p.to })),
  );
  const changed: PlannedChange[] = [];
  pairs.forEach((p, i) => {
    const diff = diffs[i];
    if (diff && !(diff instanceof NotFoundError)) changed.push({ ...p.agent, diff });
  });

  const gone = {
    collaborator: minusSet(before.names.agent, after.names.agent),
    skill: minusSet(before.names.skill, after.names.skill),
    command: minusSet(before.names.command, after.names.command),
  };
  const known = new Set(before.unresolved.map(unresolvedKey));
  const broken = after.unresolved
    .filter((u) => !known.has(unresolvedKey(u)))
    .map((u) => ({
      ...u,
      agent: `${options.source}/${u.agent}`,
      targetRemoved: gone[u.kind].has(u.kind === "command" ? commandName(u.name) : u.name),
    }));
  const byPath = (a: { path: string; name: string }, b: { path: string; name: string }) =>
    byteOrder(a.path, b.path) || byteOrder(a.name, b.name);
  broken.sort(
    (a, b) =>
      byteOrder(a.path, b.path) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      byteOrder(a.kind, b.kind) ||
      byteOrder(a.name, b.name),
  );
  return {
    source: options.source,
    currentGeneration: current,
    report,
    added: added.sort(byPath),
    removed: removed.sort(byPath),
    changed: changed.sort(byPath),
    broken,
  };
}

const agentOf = (source: string, name: string, path: string): PlannedAgent => ({
  ref: `${source}/${name}`,
  name,
  path,
});

function minusSet(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => !b.has(x)));
}

/** `/plugin:name` or `/name` as a command's name. */
const commandName = (written: string) => written.replace(/^\//, "").split(":").at(-1) ?? written;

interface Unresolved {
  kind: BrokenKind;
  name: string;
  agent: string;
  path: string;
  line: number | null;
  text: string | null;
}

const unresolvedKey = (u: Unresolved) => JSON.stringify([u.agent, u.kind, u.name]);

interface Snapshot {
  /** Live agents by name: the file that answers the name (the path that sorts first). */
  agents: Map<string, { path: string; revisionId: number }>;
  /** Live entity names (agents by name and by stem), by kind. */
  names: { agent: Set<string>; skill: Set<string>; command: Set<string> };
  unresolved: Unresolved[];
}

async function snapshot(tx: AgentryTx, source: string): Promise<Snapshot> {
  const agents = rowsOf<{ name: string; stem: string; path: string; revision_id: unknown }>(
    await tx.execute(sql`
      select a.name, a.stem, f.path, a.revision_id
        from agents a join files f on f.id = a.file_id join sources s on s.id = a.source_id
       where s.name = ${source} and a.deleted_at is null
       order by a.name collate "C", f.path collate "C"`),
  );
  const entities = rowsOf<{ kind: "skill" | "command"; name: string }>(
    await tx.execute(sql`
      select 'skill' as kind, e.name from skills e join sources s on s.id = e.source_id
       where s.name = ${source} and e.deleted_at is null
      union all
      select 'command', e.name from commands e join sources s on s.id = e.source_id
       where s.name = ${source} and e.deleted_at is null`),
  );
  const unresolved = rowsOf<{
    kind: BrokenKind;
    name: string;
    agent: string;
    path: string;
    evidence_line: unknown;
    evidence_text: string | null;
  }>(
    await tx.execute(sql`
      select u.kind, u.name, a.name as agent, f.path, u.evidence_line, u.evidence_text
        from unresolved_references u join agents a on a.id = u.agent_id join files f on f.id = a.file_id
       where u.source_id = (select id from sources where name = ${source}) and u.kind <> 'group'`),
  );
  const byName = new Map<string, { path: string; revisionId: number }>();
  const names = { agent: new Set<string>(), skill: new Set<string>(), command: new Set<string>() };
  for (const a of agents) {
    if (!byName.has(a.name)) byName.set(a.name, { path: a.path, revisionId: Number(a.revision_id) });
    names.agent.add(a.name).add(a.stem);
  }
  for (const e of entities) names[e.kind].add(e.name);
  return {
    agents: byName,
    names,
    unresolved: unresolved.map((u) => ({
      kind: u.kind,
      name: u.name,
      agent: u.agent,
      path: u.path,
      line: u.evidence_line === null || u.evidence_line === undefined ? null : Number(u.evidence_line),
      text: u.evidence_text ?? null,
    })),
  };
}

/** A staging of this source and caller that has not expired: its files, in path order. */
async function stagedFiles(
  tx: AgentryTx,
  id: string,
  source: string,
  who: Who,
): Promise<{ ifGeneration: number | null; files: PublishFile[] }> {
  const [row] = rowsOf<{
    source: string;
    if_generation: unknown;
    kind: string;
    name: string;
    aid: string | null;
  }>(
    await tx.execute(sql`
      select source, if_generation, actor_kind as kind, actor_name as name, actor_id as aid
        from publish_stagings where id = ${id} and expires_at > now()`),
  );
  // Another caller's or another source's staging is not told apart from none (as publish.ts).
  if (
    !row ||
    row.source !== source ||
    row.kind !== who.actor.kind ||
    row.name !== who.actor.name ||
    row.aid !== who.actor.id
  )
    throw new NotFoundError("publish staging", id);
  const files = rowsOf<{ path: string; content: string }>(
    await tx.execute(sql`
      select path, '|' || content as content from publish_staged_files
       where staging_id = ${id} order by path collate "C"`),
  ).map((f) => ({ path: f.path, content: f.content.slice(1) }));
  return {
    ifGeneration:
      row.if_generation === null || row.if_generation === undefined ? null : Number(row.if_generation),
    files,
  };
}

export interface PublishedFile {
  path: string;
  contentHash: string;
}

export interface PublishedFilesPage {
  /** The source's generation, read in the same statement as the page. */
  generation: number;
  files: PublishedFile[];
  hasNextPage: boolean;
  totalCount: number;
}

const FILES_ORDER = "PUBLISHED_FILES";

export function publishedFileCursor(path: string): string {
  return encodeCursor(FILES_ORDER, path, 0);
}

/** The path a cursor of publishedFiles names, or null for any other text. */
export function pathOfCursor(cursor: string): string | null {
  try {
    const decoded = decodeCursor(cursor, FILES_ORDER, (key) =>
      typeof key === "string" && !key.includes("\u0000") ? key : null,
    );
    return decoded.key as string;
  } catch {
    return null;
  }
}

/**
 * A page of the live files of a source, by path in byte order, with their SHA-256 (what
 * `import` compares to skip a file) and the source's generation; an unknown or deleted source
 * has none (generation 0, or its own).
 */
export async function publishedFiles(
  db: Executor,
  args: { source: string; first: number; after: string | null },
): Promise<PublishedFilesPage> {
  const rows = rowsOf<{ generation: unknown; total: unknown; path: string | null; hash: string | null }>(
    await db.execute(sql`
      with s as (select id, generation, deleted_at from sources where name = ${args.source}),
           live as (select f.path, f.content_hash from files f join s on s.id = f.source_id
                     where f.deleted_at is null and s.deleted_at is null)
      select (select generation from s) as generation, (select count(*) from live) as total,
             p.path, p.content_hash as hash
        from (select 1) one
        left join (select * from live where ${args.after === null ? sql`true` : sql`path collate "C" > ${args.after} collate "C"`}
                    order by path collate "C" limit ${args.first + 1}) p on true
       order by p.path collate "C"`),
  );
  const present = rows.filter((r) => r.path !== null && r.hash !== null);
  return {
    generation: Number(rows[0]?.generation ?? 0),
    totalCount: Number(rows[0]?.total ?? 0),
    files: present.slice(0, args.first).map((r) => ({ path: r.path!, contentHash: r.hash! })),
    hasNextPage: present.length > args.first,
  };
}
