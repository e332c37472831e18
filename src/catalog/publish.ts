// Publish over the API (issue 16 point 1, docs/decisions/0024-publish-over-the-api.md): files
// sent in a request, or staged over several and committed once, imported into a source as
// `agentry import` imports them (same reader, revisions, resolution, report), in ONE
// transaction, so that readers see all of a publish or none of it. Also deleteAgent,
// restoreAgent, deleteSource and restoreSource, soft as an import's prune. Every change writes
// its audit event (./audit.ts) in its own transaction.
//
// The lock: the import lock's key (`agentry:source:<name>`, ./import-lock.ts), taken as a
// transaction-level advisory lock inside the change's transaction. On PostgreSQL and Neon it
// conflicts with the session-level lock an `agentry import` holds for its whole length, so a
// publish and an import of one source never interleave; it is released by the commit or the
// rollback, so nothing can leak it. It is polled (pg_try_advisory_xact_lock) rather than
// waited for, so that a long import makes a publish answer "busy" within
// PUBLISH_LIMITS.lockWaitMs instead of running into the statement timeout. On PGlite (one
// connection) the transactions of a process are serialized anyway, and with a whole Database
// the in-process import lock is taken too.
import { and, eq, gt, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.js";
import { bulkInsert, pgArray, rowsOf } from "./bulk.js";
import type { AgentryTx, Database } from "./database.js";
import {
  byteOrder,
  deletePathsInTransaction,
  type ImportReport,
  importInTransaction,
  restorePathsInTransaction,
} from "./import.js";
import { withImportLock } from "./import-lock.js";
import {
  checkDeletePaths,
  checkPublishFiles,
  PUBLISH_LIMITS,
  type PublishFile,
  PublishRefusedError,
} from "./publish-limits.js";
import { NotFoundError } from "./reads/errors.js";
import { retryTransient } from "./retry.js";
import * as t from "./schema.js";
import { applyVisibility, type Visibility, type VisibilityChange } from "./source-visibility.js";

export { PUBLISH_LIMITS, type PublishFile, PublishRefusedError } from "./publish-limits.js";

/** What a write needs: a transaction, and where there is one, the database's own import lock. */
export interface PublishWriter {
  transaction<T>(fn: (tx: AgentryTx) => Promise<T>): Promise<T>;
  driver?: Database["driver"];
  advisoryLock?: Database["advisoryLock"];
}

/** The source is not where the request expects it: another publish came first, or it is deleted. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(
    message: string,
    readonly source: string,
    /** The source's generation now (0 for a source that does not exist yet). */
    readonly currentGeneration: number,
    /** What the request said it expected (`ifGeneration`), or null. */
    readonly expectedGeneration: number | null,
  ) {
    super(message);
  }
}

/** Another import or publish of the source held its lock for longer than PUBLISH_LIMITS.lockWaitMs. */
export class SourceBusyError extends Error {
  override readonly name = "SourceBusyError";
  constructor(
    readonly source: string,
    readonly waitedMs: number,
  ) {
    super(
      `source "${source}" is being imported or published by someone else (waited ${waitedMs} ms): try again`,
    );
  }
}

export interface Who {
  actor: Actor;
  requestId?: string | null;
}

/** Runs `work` in one transaction holding the source's lock; retried on deadlock (./retry.ts). */
async function underSourceLock<T>(
  writer: PublishWriter,
  source: string,
  work: (tx: AgentryTx) => Promise<T>,
): Promise<T> {
  const run = () =>
    retryTransient(() =>
      writer.transaction(async (tx) => {
        await takeSourceLock(tx, source);
        return work(tx);
      }),
    );
  if (writer.driver === "pglite" && writer.advisoryLock)
    return withImportLock(writer as Database, source, run);
  return run();
}

/**
 * The import lock's key as a transaction-level lock, polled up to PUBLISH_LIMITS.lockWaitMs:
 * it conflicts with the session lock `agentry import` holds, and goes with the transaction.
 */
export async function takeSourceLock(tx: AgentryTx, source: string): Promise<void> {
  const key = `agentry:source:${source}`;
  const started = Date.now();
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const [row] = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${key})) as ok`),
    );
    if (row?.ok === true) return;
    const waited = Date.now() - started;
    if (waited >= PUBLISH_LIMITS.lockWaitMs) throw new SourceBusyError(source, waited);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

interface SourceState {
  id: number;
  generation: number;
  deleted: boolean;
}

async function sourceState(tx: AgentryTx, source: string): Promise<SourceState | null> {
  const [row] = rowsOf<{ id: unknown; generation: unknown; deleted: boolean }>(
    await tx.execute(
      sql`select id, generation, deleted_at is not null as deleted from sources where name = ${source}`,
    ),
  );
  return row ? { id: Number(row.id), generation: Number(row.generation), deleted: row.deleted } : null;
}

function checkGeneration(source: string, state: SourceState | null, ifGeneration: number | null): void {
  const current = state?.generation ?? 0;
  if (state?.deleted)
    throw new ConflictError(
      `source "${source}" is deleted: restoreSource("${source}") brings it back before a publish`,
      source,
      current,
      ifGeneration,
    );
  if (ifGeneration !== null && ifGeneration !== current)
    throw new ConflictError(
      `source "${source}" is at generation ${current}, not ${ifGeneration}: someone else published in between; read it again and retry`,
      source,
      current,
      ifGeneration,
    );
}

function countsOf(report: ImportReport): Record<string, number> {
  return {
    created: report.created.length,
    updated: report.updated.length,
    unchanged: report.unchanged.length,
    deleted: report.deleted.length,
    failed: report.failed.length,
    conflicts: report.conflicts.length,
  };
}

/**
 * importInTransaction with the soft-deletion of the live files `delete` names (what `prune`
 * does, by name: a push that removes one file of 500 sends that path, not the 500 files), in
 * the same step: one generation, one resolution pass. The same for a publish and its plan.
 */
export function importAndDelete(
  tx: AgentryTx,
  source: string,
  files: readonly PublishFile[],
  options: { prune: boolean; delete?: readonly string[] | undefined },
): Promise<ImportReport> {
  return importInTransaction(
    tx,
    files.map((f) => ({ path: f.path, text: f.content })),
    { source, prune: options.prune, delete: options.delete },
  );
}

/** The import of `files` in the open transaction, its conditions checked, its event written. */
async function commitFiles(
  tx: AgentryTx,
  source: string,
  files: readonly PublishFile[],
  options: {
    prune: boolean;
    ifGeneration: number | null;
    visibility?: Visibility | undefined;
    delete?: readonly string[] | undefined;
  },
  who: Who,
): Promise<ImportReport> {
  checkGeneration(source, await sourceState(tx, source), options.ifGeneration);
  const report = await importAndDelete(tx, source, files, options);
  // In the import's transaction: a new private source is never visible, not even for an instant.
  if (options.visibility) {
    const change = await applyVisibility(tx, source, options.visibility, who);
    if (change?.changed) report.generation = change.generation;
  }
  await recordAudit(tx, {
    actor: who.actor,
    action: "publish",
    source,
    paths: [...report.created, ...report.updated, ...report.deleted].sort(byteOrder),
    counts: countsOf(report),
    generation: report.generation,
    requestId: who.requestId ?? null,
  });
  return report;
}

export interface PublishOptions {
  source: string;
  files: readonly PublishFile[];
  prune?: boolean;
  ifGeneration?: number | null;
  /** Sets the source's visibility in the same transaction (absent: kept; public for a new source). */
  visibility?: Visibility | undefined;
  /** Paths of live files to soft-delete in the same transaction (see importAndDelete). */
  delete?: readonly string[] | undefined;
}

/** A publish in one request: checked, then imported in one transaction. */
export async function publishFiles(
  writer: PublishWriter,
  options: PublishOptions,
  who: Who,
): Promise<ImportReport> {
  checkPublishFiles(options.files);
  checkDeletePaths(options.delete ?? [], new Set(options.files.map((f) => f.path)));
  return underSourceLock(writer, options.source, (tx) =>
    commitFiles(
      tx,
      options.source,
      options.files,
      {
        prune: options.prune ?? false,
        ifGeneration: options.ifGeneration ?? null,
        visibility: options.visibility,
        delete: options.delete,
      },
      who,
    ),
  );
}

export interface Staging {
  id: string;
  source: string;
  ifGeneration: number | null;
  files: number;
  bytes: number;
  expiresAt: Date;
}

function stagingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const sameActor = (row: { actorKind: string; actorName: string; actorId: string | null }, actor: Actor) =>
  row.actorKind === actor.kind && row.actorName === actor.name && row.actorId === actor.id;

function asStaging(row: typeof t.publishStagings.$inferSelect): Staging {
  return {
    id: row.id,
    source: row.source,
    ifGeneration: row.ifGeneration === null ? null : Number(row.ifGeneration),
    files: row.files,
    bytes: Number(row.bytes),
    expiresAt: row.expiresAt instanceof Date ? row.expiresAt : new Date(row.expiresAt as unknown as string),
  };
}

/**
 * Starts a publish in several requests. Stagings that expired are deleted first (their files
 * with them). With `ifGeneration`, a source already past it is refused now, not at the commit.
 */
export async function beginPublish(
  writer: PublishWriter,
  options: { source: string; ifGeneration?: number | null },
  who: Who,
): Promise<Staging> {
  return writer.transaction(async (tx) => {
    await tx.delete(t.publishStagings).where(sql`${t.publishStagings.expiresAt} <= now()`);
    checkGeneration(options.source, await sourceState(tx, options.source), options.ifGeneration ?? null);
    const [row] = await tx
      .insert(t.publishStagings)
      .values({
        id: stagingId(),
        source: options.source,
        ifGeneration: options.ifGeneration ?? null,
        actorKind: who.actor.kind,
        actorName: who.actor.name,
        actorId: who.actor.id,
        expiresAt: sql`now() + make_interval(secs => ${PUBLISH_LIMITS.stagingTtlSeconds})`,
      })
      .returning();
    return asStaging(row!);
  });
}

/** The live staging `id` of this source and caller, locked for this transaction. */
async function ownStaging(tx: AgentryTx, id: string, source: string, who: Who) {
  const [row] = await tx
    .select()
    .from(t.publishStagings)
    .where(and(eq(t.publishStagings.id, id), gt(t.publishStagings.expiresAt, sql`now()`)))
    .for("update");
  // Another caller's or another source's staging is not told apart from none.
  if (!row || row.source !== source || !sameActor(row, who.actor))
    throw new NotFoundError("publish staging", id);
  return row;
}

/**
 * Adds files to a staging (a path sent again replaces its staged content). Checked before any
 * work like a publish's request, then against the staging's totals before anything is written.
 * Staged files are invisible to readers until the commit. Each call moves the expiry on.
 */
export async function stagePublishFiles(
  writer: PublishWriter,
  options: { id: string; source: string; files: readonly PublishFile[] },
  who: Who,
  /** The staging's totals (tests lower them to reach them). */
  limits: { stagedFiles: number; stagedBytes: number } = PUBLISH_LIMITS,
): Promise<Staging> {
  const bytes = checkPublishFiles(options.files);
  return writer.transaction(async (tx) => {
    const row = await ownStaging(tx, options.id, options.source, who);
    const paths = options.files.map((f) => f.path);
    const [replaced] = rowsOf<{ n: unknown; bytes: unknown }>(
      await tx.execute(sql`
        select count(*) as n, coalesce(sum(bytes), 0) as bytes from publish_staged_files
         where staging_id = ${options.id} and path = any(${pgArray(paths)}::text[])`),
    );
    const files = row.files - Number(replaced?.n ?? 0) + options.files.length;
    const total = Number(row.bytes) - Number(replaced?.bytes ?? 0) + bytes;
    if (files > limits.stagedFiles)
      throw new PublishRefusedError(
        "STAGED_FILES",
        `the staged publish would hold ${files} files, at most ${limits.stagedFiles} (larger catalogs: agentry import)`,
        null,
        null,
        limits.stagedFiles,
        files,
      );
    if (total > limits.stagedBytes)
      throw new PublishRefusedError(
        "STAGED_BYTES",
        `the staged publish would hold ${total} bytes, at most ${limits.stagedBytes} (larger catalogs: agentry import)`,
        null,
        null,
        limits.stagedBytes,
        total,
      );
    const encoder = new TextEncoder();
    await bulkInsert(
      tx,
      "publish_staged_files",
      { staging_id: "text", path: "text", content: "text", bytes: "integer" },
      options.files.map((f) => ({
        staging_id: options.id,
        path: f.path,
        content: f.content,
        bytes: encoder.encode(f.content).length,
      })),
      sql`on conflict (staging_id, path) do update set content = excluded.content, bytes = excluded.bytes`,
    );
    const [updated] = await tx
      .update(t.publishStagings)
      .set({
        files,
        bytes: total,
        expiresAt: sql`now() + make_interval(secs => ${PUBLISH_LIMITS.stagingTtlSeconds})`,
      })
      .where(eq(t.publishStagings.id, options.id))
      .returning();
    return asStaging(updated!);
  });
}

/**
 * Imports everything staged in ONE transaction under the source's lock, checks `ifGeneration`
 * (the commit's, else the one given to beginPublish) inside it, writes the audit event and
 * deletes the staging. A failure leaves the source and the staging as they were.
 */
export async function commitPublish(
  writer: PublishWriter,
  options: {
    id: string;
    source: string;
    prune?: boolean;
    ifGeneration?: number | null;
    visibility?: Visibility | undefined;
    delete?: readonly string[] | undefined;
  },
  who: Who,
): Promise<ImportReport> {
  return underSourceLock(writer, options.source, async (tx) => {
    const row = await ownStaging(tx, options.id, options.source, who);
    const files = await tx
      .select({ path: t.publishStagedFiles.path, content: t.publishStagedFiles.content })
      .from(t.publishStagedFiles)
      .where(eq(t.publishStagedFiles.stagingId, options.id))
      .orderBy(sql`${t.publishStagedFiles.path} collate "C"`);
    checkDeletePaths(options.delete ?? [], new Set(files.map((f) => f.path)));
    const ifGeneration =
      options.ifGeneration ?? (row.ifGeneration === null ? null : Number(row.ifGeneration));
    const report = await commitFiles(
      tx,
      options.source,
      files,
      { prune: options.prune ?? false, ifGeneration, visibility: options.visibility, delete: options.delete },
      who,
    );
    await tx.delete(t.publishStagings).where(eq(t.publishStagings.id, options.id));
    return report;
  });
}

/** Parses `source/name`; null for anything else. */
function splitRef(ref: string): { source: string; name: string } | null {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(ref.trim());
  return m ? { source: m[1]!, name: m[2]! } : null;
}

export interface AgentChange {
  ref: string;
  /** The file deleted or restored. */
  path: string;
  generation: number;
}

/** Soft-deletes the agent `ref` answers (its file, as a prune does); restoreAgent brings it back. */
export async function deleteAgent(writer: PublishWriter, ref: string, who: Who): Promise<AgentChange> {
  const parts = splitRef(ref);
  if (!parts) throw new NotFoundError("agent", ref);
  return underSourceLock(writer, parts.source, async (tx) => {
    const state = await sourceState(tx, parts.source);
    if (!state || state.deleted) throw new NotFoundError("agent", ref);
    // The one the ref answers: of two files declaring the name, the one whose path sorts first.
    const [row] = rowsOf<{ path: string }>(
      await tx.execute(sql`
        select f.path from agents a join files f on f.id = a.file_id
         where a.source_id = ${state.id} and a.name = ${parts.name} and a.deleted_at is null
         order by f.path collate "C" limit 1`),
    );
    if (!row) throw new NotFoundError("agent", ref);
    const { generation } = await deletePathsInTransaction(tx, state.id, [row.path]);
    await recordAudit(tx, {
      actor: who.actor,
      action: "delete-agent",
      source: parts.source,
      paths: [row.path],
      counts: { deleted: 1 },
      generation,
      requestId: who.requestId ?? null,
    });
    return { ref, path: row.path, generation: generation! };
  });
}

/**
 * Brings back the agent `ref` named when it was last deleted (by deleteAgent, a prune or
 * deleteSource's files), at the revision it had. Refused as a conflict while an agent of that
 * ref is live (publish the file again instead).
 */
export async function restoreAgent(writer: PublishWriter, ref: string, who: Who): Promise<AgentChange> {
  const parts = splitRef(ref);
  if (!parts) throw new NotFoundError("deleted agent", ref);
  return underSourceLock(writer, parts.source, async (tx) => {
    const state = await sourceState(tx, parts.source);
    if (!state || state.deleted) throw new NotFoundError("deleted agent", ref);
    const [live] = rowsOf<{ n: unknown }>(
      await tx.execute(
        sql`select count(*) as n from agents where source_id = ${state.id} and name = ${parts.name} and deleted_at is null`,
      ),
    );
    if (Number(live?.n ?? 0) > 0)
      throw new ConflictError(
        `agent "${ref}" is live: nothing to restore`,
        parts.source,
        state.generation,
        null,
      );
    // Deleted with its file (not retired by a rename, which leaves the file live).
    const [row] = rowsOf<{ path: string }>(
      await tx.execute(sql`
        select f.path from agents a join files f on f.id = a.file_id
         where a.source_id = ${state.id} and a.name = ${parts.name}
           and a.deleted_at is not null and f.deleted_at = a.deleted_at
         order by f.deleted_at desc, f.path collate "C" limit 1`),
    );
    if (!row) throw new NotFoundError("deleted agent", ref);
    const { generation } = await restorePathsInTransaction(
      tx,
      state.id,
      [row.path],
      sql`(select deleted_at from files where source_id = ${state.id} and path = ${row.path})`,
    );
    await recordAudit(tx, {
      actor: who.actor,
      action: "restore-agent",
      source: parts.source,
      paths: [row.path],
      counts: { restored: 1 },
      generation,
      requestId: who.requestId ?? null,
    });
    return { ref, path: row.path, generation: generation! };
  });
}

export interface SourceChange {
  source: string;
  /** Files deleted or restored. */
  files: number;
  generation: number;
}

async function bump(tx: AgentryTx, sourceId: number): Promise<number> {
  const [row] = await tx
    .update(t.sources)
    .set({ generation: sql`${t.sources.generation} + 1`, updatedAt: sql`now()` })
    .where(eq(t.sources.id, sourceId))
    .returning({ generation: t.sources.generation });
  return row!.generation;
}

/**
 * Soft-deletes a source: every live file and entity at one instant, the source's deleted_at
 * at the same one (so restoreSource brings back exactly those), and its generation moved.
 */
export async function deleteSource(writer: PublishWriter, source: string, who: Who): Promise<SourceChange> {
  return underSourceLock(writer, source, async (tx) => {
    const state = await sourceState(tx, source);
    if (!state || state.deleted) throw new NotFoundError("source", source);
    const paths = rowsOf<{ path: string }>(
      await tx.execute(sql`select path from files where source_id = ${state.id} and deleted_at is null`),
    ).map((r) => r.path);
    const { deleted, generation } = await deletePathsInTransaction(tx, state.id, paths);
    await tx.update(t.sources).set({ deletedAt: sql`now()` }).where(eq(t.sources.id, state.id));
    const after = generation ?? (await bump(tx, state.id));
    await recordAudit(tx, {
      actor: who.actor,
      action: "delete-source",
      source,
      paths: deleted,
      counts: { deleted: deleted.length },
      generation: after,
      requestId: who.requestId ?? null,
    });
    return { source, files: deleted.length, generation: after };
  });
}

/** Undoes deleteSource: the files it deleted come back (a path published since keeps its file). */
export async function restoreSource(writer: PublishWriter, source: string, who: Who): Promise<SourceChange> {
  return underSourceLock(writer, source, async (tx) => {
    const state = await sourceState(tx, source);
    if (!state?.deleted) throw new NotFoundError("deleted source", source);
    const paths = rowsOf<{ path: string }>(
      await tx.execute(sql`
        select f.path from files f join sources s on s.id = f.source_id
         where f.source_id = ${state.id} and f.deleted_at = s.deleted_at`),
    ).map((r) => r.path);
    const { restored, generation } = await restorePathsInTransaction(
      tx,
      state.id,
      paths,
      sql`(select deleted_at from sources where id = ${state.id})`,
    );
    await tx.update(t.sources).set({ deletedAt: null }).where(eq(t.sources.id, state.id));
    const after = generation ?? (await bump(tx, state.id));
    await recordAudit(tx, {
      actor: who.actor,
      action: "restore-source",
      source,
      paths: restored,
      counts: { restored: restored.length },
      generation: after,
      requestId: who.requestId ?? null,
    });
    return { source, files: restored.length, generation: after };
  });
}

/** An admin's change of a source's visibility, under the source's lock. */
export async function setSourceVisibility(
  writer: PublishWriter,
  source: string,
  visibility: Visibility,
  who: Who,
): Promise<VisibilityChange> {
  return underSourceLock(writer, source, async (tx) => {
    const change = await applyVisibility(tx, source, visibility, who);
    if (!change) throw new NotFoundError("source", source);
    return change;
  });
}
