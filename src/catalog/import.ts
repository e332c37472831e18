// Import: files → catalog. Each batch is one transaction that writes a bounded number of SQL
// statements whatever its size (multi-row inserts, set-based updates). Imports of the same
// source are serialized by an advisory lock, so two at once neither fail nor duplicate.
// Unchanged files (same content hash) write nothing; a changed file gets a new revision and
// the old one stays readable. A file with errors is reported and skipped: what is stored for
// it stays as it was. Two files declaring one name are both stored: the report lists them under
// `conflicts` (decision 0018), and the one whose path sorts first answers the name.
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type NamedFile, nameConflicts, nameKey } from "../definitions/conflicts.js";
import {
  type Definition,
  type DefinitionKind,
  type Diagnostic,
  type MarkdownDefinition,
  mentionCandidates,
  parseDefinition,
} from "../definitions/index.js";
import type { Actor } from "./audit.js";
import { bulkInsert, pgArray, rowsOf } from "./bulk.js";
import type { AgentryTx, Database, Executor } from "./database.js";
import { sha256 } from "./hash.js";
import { withImportLock } from "./import-lock.js";
import { namespaceOf, stemOf } from "./paths.js";
import { nameConflictGroups } from "./reads/conflicts.js";
import { EVERY_SOURCE } from "./reads/visibility.js";
import { matchAgentName, resolveReferences } from "./resolve.js";
import { retryTransient } from "./retry.js";
import * as t from "./schema.js";
import { indexAgents, indexStaleAgents, staleVectorsOf } from "./search-index.js";
import { applyVisibility, type Visibility } from "./source-visibility.js";

export interface ImportFile {
  /** Path relative to the source root, with forward slashes. */
  path: string;
  text: string;
  /** Inferred from the path when absent. */
  kind?: DefinitionKind;
  /** Set when the bytes were not valid UTF-8: the file cannot be stored faithfully. */
  invalidEncoding?: boolean;
}

export interface ImportOptions {
  source: string;
  /** Soft-delete what the source holds but this import does not include. */
  prune?: boolean;
  /** Files per transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Sets the source's visibility in the import's first transaction (./source-visibility.ts),
   * so a new private source is never visible; `actor` is who the audit trail records.
   */
  visibility?: { visibility: Visibility; actor: Actor };
}

export interface FailedFile {
  path: string;
  diagnostics: Diagnostic[];
}

export interface ImportReport {
  source: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  failed: FailedFile[];
  /**
   * Files stored, but declaring a name another file of the source also declares, each with its
   * `name-conflict` error (naming the others), in path order: every group that has a file of
   * this import. Not failures: every file of a conflict is stored and exported as it is, and
   * the one whose path sorts first answers the name (decision 0018).
   */
  conflicts: FailedFile[];
  /** The source's generation after the import. */
  generation: number;
}

interface Prepared {
  path: string;
  text: string;
  hash: string;
  kind: DefinitionKind | null;
  invalidEncoding: boolean;
  /** Parsed on demand: unchanged files never are. */
  def: Definition | null;
  /** Parsed with errors: never written; `failure` is what the report says of it. */
  failed: boolean;
  failure: FailedFile | null;
  namespace: string;
  stem: string;
}

type Parsed = Prepared & { def: Definition };

/**
 * Parses an entry; a file with errors keeps them as its `failure` and is not written. (The
 * batch that meets it reports it: a batch retried after a deadlock reports it once.)
 */
function parse(p: Prepared): p is Parsed {
  if (p.def) return true;
  if (p.failed) return false;
  const def = parseDefinition(p.text, { path: p.path, ...(p.kind ? { kind: p.kind } : {}) });
  const errors = def.diagnostics.filter((d) => d.severity === "error");
  if (p.invalidEncoding) {
    errors.unshift({
      severity: "error",
      code: "encoding",
      message: "the file is not valid UTF-8",
      line: 1,
      column: 1,
    });
  }
  if (errors.length > 0) {
    p.failed = true;
    p.failure = { path: p.path, diagnostics: errors };
    return false;
  }
  p.def = def;
  p.stem = stemOf(p.path, def.kind);
  return true;
}

/**
 * The distinct names one side of a batch's edges looks up, each matched once by the edge
 * insert (matchAgentName): a body names the same hyphenated words again and again, and the
 * corpus's 2,118 mention candidates are 790 names. A lookup's answer depends on the name, the
 * stating agent's namespace and, for handoffs and peers (which may match loosely), the name as
 * written and the stating agent itself.
 */
class NameLookups {
  private readonly keys = new Map<string, number>();
  private readonly rows: {
    name: string;
    ns: string;
    text: string | null;
    self: number | null;
    loose: boolean;
  }[] = [];

  constructor(private readonly namespaceOf: (agentId: number) => string) {}

  /** The 1-based key of this edge side's lookup. */
  key(edge: Record<string, unknown>, side: "from" | "to"): number {
    const loose = edge.kind !== "mention";
    const row = {
      name: edge[`${side}_name`] as string,
      ns: this.namespaceOf(edge.agent_id as number),
      text: loose ? ((edge[`${side}_text`] as string | null | undefined) ?? null) : null,
      self: loose ? (edge.agent_id as number) : null,
      loose,
    };
    const id = JSON.stringify([row.name, row.ns, row.text, row.self]);
    let key = this.keys.get(id);
    if (key === undefined) {
      this.rows.push(row);
      key = this.rows.length;
      this.keys.set(id, key);
    }
    return key;
  }

  /** One row per lookup: its `key`, and matchAgentName's `n`, `chosen` and `refs`. */
  matched(sourceId: number): SQL {
    const column = <K extends keyof NameLookups["rows"][number]>(k: K) =>
      sql.param(this.rows.map((r) => r[k]));
    return sql`(select k.key, m.n, m.chosen, m.refs
                  from unnest(${column("name")}::text[], ${column("ns")}::text[], ${column("text")}::text[],
                              ${column("self")}::bigint[], ${column("loose")}::boolean[])
                       with ordinality as k(name, ns, text, self, loose, key)
                 cross join lateral ${matchAgentName(sourceId, sql`k.name`, sql`k.ns`, sql`k.text`, sql`k.self`, sql`k.loose`)} m)`;
  }
}

/**
 * The agent's body as the revision's text from a character on: the body is the file's text
 * after its frontmatter, and the revision (written just before) already holds that text, so
 * the body is not sent a second time. It was a fifth of the corpus import's parameter text
 * (1.38 of 6.1 million characters), which PGlite serializes in JavaScript, and PostgreSQL
 * parses again out of the array. A body that is not such a suffix is sent as it is.
 */
function bodyOf(p: Parsed & { def: MarkdownDefinition }): { body_text: string | null; body_from: number } {
  const body = p.def.body;
  const start = p.text.length - body.length;
  if (start < 0 || !p.text.endsWith(body)) return { body_text: body, body_from: 1 };
  // substr counts characters (code points); a string index counts UTF-16 units.
  const pairs = p.text.slice(0, start).match(SURROGATE_PAIR)?.length ?? 0;
  return { body_text: null, body_from: start - pairs + 1 };
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Lets pending I/O run (a statement's answer): `setImmediate` where it exists. A `setTimeout(0)`
 * waits at least a millisecond even with nothing pending, and with PGlite, which runs in this
 * thread, nothing is: the corpus import sat idle for 70-90 ms of its 1.3 s (CPU profile).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** Parses a batch's changed files, yielding to the event loop every few files. */
async function parseSoon(batch: readonly Prepared[], changed: (p: Prepared) => boolean): Promise<void> {
  let n = 0;
  for (const p of batch) {
    if (!changed(p)) continue;
    parse(p);
    if (++n % 8 === 0) await yieldToEventLoop();
  }
}

interface StoredState {
  hashes: Map<string, string>;
  /** Whether two live entities of the source declare one name (then `conflictsIn` reads them). */
  conflicted: boolean;
  generation: number;
  sourceId: number;
  staleVectors: boolean;
}

/**
 * The source's live files and their hashes, in one statement: a row per live file, and one row
 * without a path for the source (its generation, id, whether vectors are stale and whether any
 * name is declared twice; nulls when there is no such source).
 *
 * Measured on the corpus's unchanged re-import (`npm run bench:import`, a median of 31): three
 * correlated lookups per file made it 2.5x slower (36 ms instead of 12 on PostgreSQL); every
 * name, as a row each or as arrays, cost 2-5 ms more on PGlite, as did computing the conflict
 * groups here (their CTEs take PGlite 2.7 ms just to plan). The duplicate count costs about
 * 0.3 ms; the groups are read only when it says so.
 */
async function storedState(db: Executor, source: string): Promise<StoredState> {
  const rows = rowsOf<{
    path: string | null;
    hash: string | null;
    generation: unknown;
    source_id: unknown;
    stale: boolean | null;
    duplicates: unknown;
  }>(
    await db.execute(sql`
      with src as materialized (select id, generation from sources where name = ${source})
      select f.path, f.content_hash as hash,
             null as generation, null as source_id, null as stale, null as duplicates
        from src join files f on f.source_id = src.id and f.deleted_at is null
      union all
      select null, null, (select generation from src), (select id from src), ${staleVectorsOf(source)},
             (select (select count(*) - count(distinct name) from agents
                       where source_id = src.id and deleted_at is null)
                   + (select count(*) - count(distinct name) from skills
                       where source_id = src.id and deleted_at is null)
                   + (select count(*) - count(distinct (namespace, name)) from commands
                       where source_id = src.id and deleted_at is null)
                from src)`),
  );
  const hashes = new Map<string, string>();
  let src: (typeof rows)[number] | undefined;
  for (const r of rows) {
    if (r.path === null) src = r;
    else if (r.hash !== null) hashes.set(r.path, r.hash);
  }
  return {
    hashes,
    conflicted: src?.duplicates != null && Number(src.duplicates) > 0,
    generation: src?.generation == null ? 0 : Number(src.generation),
    sourceId: src?.source_id == null ? 0 : Number(src.source_id),
    staleVectors: src?.stale === true,
  };
}

/**
 * The report's conflicts: every group of the source's name conflicts as the catalog holds them
 * now (after an import's writes: a file that failed to read keeps its stored version, and so
 * its name) that has a file of this import, each file with its diagnostics, in path order ("C"
 * collation, as the catalog answers names). The groups are the `nameConflicts` query's
 * (./reads/conflicts.ts), one statement a page of 100.
 */
async function conflictsIn(
  db: Executor,
  source: string,
  entries: readonly Prepared[],
): Promise<FailedFile[]> {
  const conflicting: NamedFile[] = [];
  let after: string | null = null;
  do {
    const page = await nameConflictGroups(db, EVERY_SOURCE, { source, first: 100, after });
    for (const g of page.nodes)
      for (const path of g.paths)
        conflicting.push({ path, kind: g.kind, namespace: g.namespace, name: g.name });
    after = page.hasNextPage ? page.endCursor : null;
  } while (after);
  if (conflicting.length === 0) return [];
  const diagnostics = nameConflicts(conflicting);
  const mine = new Set(entries.map((p) => p.path));
  const key = (f: NamedFile) => nameKey(f.kind, f.namespace, f.name);
  const relevant = new Set(conflicting.filter((f) => mine.has(f.path)).map(key));
  return conflicting
    .filter((f) => relevant.has(key(f)))
    .map((f) => f.path)
    .sort(byteOrder)
    .map((path) => ({ path, diagnostics: diagnostics.get(path)! }));
}

/** Byte order of UTF-8 text, as Postgres' "C" collation compares it. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export async function importFiles(
  database: Database,
  files: readonly ImportFile[],
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    source: options.source,
    created: [],
    updated: [],
    unchanged: [],
    deleted: [],
    failed: [],
    conflicts: [],
    generation: 0,
  };
  const batchSize = options.batchSize ?? 250;
  // Files whose hash matches what the source already holds are not even parsed: an unchanged
  // re-import costs a hash per file and one statement. The transaction checks again.
  const known = await storedState(database.db, options.source);
  const entries = await prepare(files);
  const changed = (p: Prepared) => known.hashes.get(p.path) !== p.hash;

  options.onProgress?.(0, files.length);
  // Nothing new and nothing to prune: no transaction at all (but the visibility's own).
  if (!options.prune && !entries.some(changed)) {
    report.unchanged.push(...entries.map((p) => p.path));
    report.generation = known.generation;
    const wanted = options.visibility;
    if (wanted && known.sourceId > 0) {
      const change = await withImportLock(database, options.source, () =>
        database.transaction((tx) =>
          applyVisibility(tx, options.source, wanted.visibility, { actor: wanted.actor }),
        ),
      );
      if (change?.changed) report.generation = change.generation;
    }
    report.conflicts = known.conflicted ? await conflictsIn(database.db, options.source, entries) : [];
    // Vectors an earlier import left missing (stopped between a batch and its vectors, or a
    // restored table) were repaired only by an import that changed something; the hashes'
    // statement says whether any are, and the catch-up runs under the import lock as in any
    // import.
    if (known.sourceId > 0 && known.staleVectors)
      await withImportLock(database, options.source, () => indexStaleAgents(database.db, known.sourceId));
    options.onProgress?.(files.length, files.length);
    return report;
  }
  // Every path given stays, even one that fails to parse now: pruning never removes a stored
  // file because its new version is broken.
  const keep = options.prune ? new Set(entries.map((p) => p.path)) : null;
  const batches: Prepared[][] = [];
  for (let i = 0; i === 0 || i < entries.length; i += batchSize)
    batches.push(entries.slice(i, i + batchSize));

  // Parse the next batch while the database writes the current one: parsing yields to the
  // event loop between files, so it runs in the gaps between statements.
  let parsing = parseSoon(batches[0]!, changed);
  // A batch's search vectors are computed on another connection while the next batch is
  // written (see search-index.ts); at most one such statement is in flight. PGlite has one
  // connection, so there it simply follows the batch.
  // One import of a source at a time, from its first batch to its last search vector
  // (./import-lock.ts): the catch-up outside the lock deadlocked two imports of one source.
  return withImportLock(database, options.source, async () => {
    const indexer = new SearchIndexer(database);
    const statistics = new Statistics(database, known.hashes.size);
    let sourceId = 0;
    let done = 0;
    for (let k = 0; k < batches.length; k++) {
      await parsing;
      const batch = batches[k]!;
      parsing = k + 1 < batches.length ? parseSoon(batches[k + 1]!, changed) : Promise.resolve();
      const last = k === batches.length - 1;
      // Each attempt reports into its own report, merged once the batch commits: a batch
      // retried after a deadlock (./retry.ts) reports each of its files once.
      const { written, outcome } = await retryTransient(async () => {
        const outcome = emptyReport(options.source);
        const wanted = k === 0 ? options.visibility : undefined;
        const written = await database.transaction(async (tx) => {
          const batchWritten = await writeBatch(
            tx,
            options.source,
            batch,
            outcome,
            last && keep ? { keep } : null,
          );
          if (wanted) {
            const change = await applyVisibility(tx, options.source, wanted.visibility, {
              actor: wanted.actor,
            });
            if (change?.changed) outcome.generation = change.generation;
          }
          return batchWritten;
        });
        return { written, outcome };
      });
      mergeInto(report, outcome);
      sourceId = written.sourceId;
      // Written: what was parsed and read for this batch is not needed any more (100,000
      // files held 4 GB at the end of an import before this).
      for (const p of batch) {
        p.def = null;
        p.text = "";
      }
      await indexer.index(written.agentIds);
      await statistics.wrote(written.agentIds.length);
      done += batch.length;
      options.onProgress?.(done, files.length);
    }
    await indexer.finish(sourceId);
    report.conflicts = await conflictsIn(database.db, options.source, entries);
    return report;
  });
}

async function prepare(files: readonly ImportFile[]): Promise<Prepared[]> {
  const entries: Prepared[] = [];
  for (const file of files) {
    entries.push({
      path: file.path,
      text: file.text,
      hash: await sha256(file.text),
      kind: file.kind ?? null,
      invalidEncoding: file.invalidEncoding ?? false,
      def: null,
      failed: false,
      failure: null,
      namespace: namespaceOf(file.path),
      stem: "",
    });
  }
  return entries;
}

/**
 * The import of `files` as ONE transaction, `tx`, which the caller opened and holds the
 * source's lock in (a publish over the API, src/catalog/publish.ts): readers see all of it or
 * none of it. The same reader, revisions, resolution and report as `importFiles`, whose
 * batches of 250 stay as they are for the CLI; the search vectors are written in the same
 * transaction too (an import writes them on a second connection after each batch commits), so
 * a search never misses an agent a read already sees. Measured on the example corpus: see
 * docs/decisions/0024-publish-over-the-api.md.
 */
export async function importInTransaction(
  tx: AgentryTx,
  files: readonly ImportFile[],
  options: {
    source: string;
    prune?: boolean;
    /** Paths of live files to soft-delete as well (publish's `delete`; not with `prune`). */
    delete?: readonly string[] | undefined;
  },
): Promise<ImportReport> {
  const report = emptyReport(options.source);
  const known = await storedState(tx, options.source);
  const entries = await prepare(files);
  const changed = (p: Prepared) => known.hashes.get(p.path) !== p.hash;
  const named = (options.delete ?? []).filter((path) => known.hashes.has(path));
  if (!options.prune && named.length === 0 && !entries.some(changed)) {
    report.unchanged.push(...entries.map((p) => p.path));
    report.generation = known.generation;
    report.conflicts = known.conflicted ? await conflictsIn(tx, options.source, entries) : [];
    return report;
  }
  const removal = options.prune
    ? { keep: new Set(entries.map((p) => p.path)) }
    : named.length > 0
      ? { paths: named }
      : null;
  const written = await writeBatch(tx, options.source, entries, report, removal);
  await indexAgents(tx, written.agentIds);
  if (known.staleVectors) await indexStaleAgents(tx, written.sourceId);
  report.conflicts = await conflictsIn(tx, options.source, entries);
  return report;
}

function emptyReport(source: string): ImportReport {
  return {
    source,
    created: [],
    updated: [],
    unchanged: [],
    deleted: [],
    failed: [],
    conflicts: [],
    generation: 0,
  };
}

function mergeInto(report: ImportReport, batch: ImportReport): void {
  report.created.push(...batch.created);
  report.updated.push(...batch.updated);
  report.unchanged.push(...batch.unchanged);
  report.deleted.push(...batch.deleted);
  report.failed.push(...batch.failed);
  report.generation = batch.generation;
}

/**
 * Keeps the planner's statistics in step with a large import. Autovacuum analyzes a table
 * once it changed by 10% and a minute has passed; an import of 10,000 files doubles its tables
 * several times in that minute, and a planner that still believes them small scans whole
 * tables where an index lookup per row was right (measured: a batch's reference resolution at
 * 10,000 agents took 0.8 s instead of 0.02 s). So the import analyzes the tables it fills
 * whenever it has grown them by half since the last time: a handful of times per import.
 */
class Statistics {
  private sinceLast = 0;

  constructor(
    private readonly database: Database,
    private size: number,
  ) {}

  async wrote(agents: number): Promise<void> {
    this.sinceLast += agents;
    if (this.sinceLast < 1000 || this.sinceLast < this.size / 2) return;
    this.size += this.sinceLast;
    this.sinceLast = 0;
    // The tables the import's own lookups and reference resolution read.
    await this.database.db.execute(sql`analyze files, agents, collaborations, agent_skills`);
  }
}

/** Writes batches' search vectors one statement behind the batches themselves. */
class SearchIndexer {
  private inFlight: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;
  private readonly overlap: boolean;

  constructor(private readonly database: Database) {
    this.overlap = database.driver !== "pglite";
  }

  /** Starts on these agents once the previous statement is done (awaits it all on PGlite). */
  async index(agentIds: readonly number[]): Promise<void> {
    await this.settle();
    if (agentIds.length === 0) return;
    // Caught here and rethrown by the next call, so a failure is never an unhandled rejection.
    this.inFlight = indexAgents(this.database.db, agentIds).catch((e: unknown) => {
      this.failure = e;
    });
    if (!this.overlap) await this.settle();
  }

  /** Waits for the last statement, then fills whatever vector the source still lacks. */
  async finish(sourceId: number): Promise<void> {
    await this.settle();
    if (sourceId > 0) await indexStaleAgents(this.database.db, sourceId);
  }

  private async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure !== null) throw this.failure;
  }
}

async function writeBatch(
  tx: AgentryTx,
  sourceName: string,
  batch: readonly Prepared[],
  report: ImportReport,
  /** What else to delete: every live file not in `keep` (a prune), or the paths of `paths`. */
  removal: { keep: ReadonlySet<string> } | { paths: readonly string[] } | null,
): Promise<WrittenBatch> {
  // No JIT in an import's transaction: the edge insert's name matching (matchAgentName's
  // laterals) is estimated over jit_above_cost, and compiling it took 580-860 ms of a 700-1,050 ms
  // statement (auto_explain: the unnest's first row waited for the compiler), where the
  // statements themselves run in tens of ms. The corpus import ran at half its former rate.
  await tx.execute(sql`set local jit = off`);
  const [source] = await tx
    .insert(t.sources)
    .values({ name: sourceName })
    .onConflictDoUpdate({ target: t.sources.name, set: { updatedAt: sql`now()` } })
    .returning({ id: t.sources.id, generation: t.sources.generation });
  const sourceId = source!.id;

  // Only this batch's files are looked up, so a batch costs the same in an empty source and in
  // one of 100,000 files.
  const existing = await tx
    .select({ id: t.files.id, path: t.files.path, hash: t.files.contentHash, deletedAt: t.files.deletedAt })
    .from(t.files)
    .where(
      and(
        eq(t.files.sourceId, sourceId),
        sql`${t.files.path} = any(${pgArray(batch.map((p) => p.path))}::text[])`,
      ),
    );
  const byPath = new Map(existing.map((f) => [f.path, f]));

  // Decide what changes. Every file that reads is stored, also one declaring a name another
  // file declares (the report lists those after the import; decision 0018).
  const changed: Parsed[] = [];
  for (const p of batch) {
    const old = byPath.get(p.path);
    if (old && old.hash === p.hash && old.deletedAt === null) {
      report.unchanged.push(p.path);
      continue;
    }
    if (!parse(p)) {
      if (p.failure) report.failed.push(p.failure);
      continue;
    }
    changed.push(p);
    (old && old.deletedAt === null ? report.updated : report.created).push(p.path);
  }

  const deletedPaths =
    removal === null
      ? []
      : rowsOf<{ path: string }>(
          await tx.execute(
            "keep" in removal
              ? sql`select path from files
                     where source_id = ${sourceId} and deleted_at is null and not (path = any(${pgArray([...removal.keep])}::text[]))`
              : sql`select path from files
                     where source_id = ${sourceId} and deleted_at is null and path = any(${pgArray([...removal.paths])}::text[])`,
          ),
        ).map((r) => r.path);
  if (changed.length === 0 && deletedPaths.length === 0) {
    report.generation = source!.generation;
    return { sourceId, agentIds: [] };
  }

  const touched = noneTouched();
  const changedAgentIds: number[] = [];

  if (changed.length > 0) {
    const fileRows = await bulkInsert<{ id: number; path: string }>(
      tx,
      "files",
      { source_id: "integer", path: "text", kind: "text", namespace: "text", content_hash: "text" },
      changed.map((p) => ({
        source_id: sourceId,
        path: p.path,
        kind: p.def.kind,
        namespace: p.namespace,
        content_hash: p.hash,
      })),
      sql`on conflict (source_id, path) do update
            set content_hash = excluded.content_hash, kind = excluded.kind, namespace = excluded.namespace,
                deleted_at = null, updated_at = now()
          returning id, path`,
    );
    const fileId = new Map(fileRows.map((r) => [r.path, Number(r.id)]));
    // Only a file the source held before (live or deleted) can have entities and child rows to
    // retire or replace: a new file's id is new. A first import skips those statements (10 a
    // batch; 30 of the corpus import's 233).
    const stored = (p: Prepared) => byPath.has(p.path);

    // Revision numbers count per file; the subquery reads the file's last number.
    const revRows = await bulkInsert<{ id: number; file_id: number }>(
      tx,
      "revisions",
      { file_id: "bigint", number: "integer", content_hash: "text", content: "text" },
      changed.map((p) => ({ file_id: fileId.get(p.path)!, content_hash: p.hash, content: p.text })),
      sql`returning id, file_id`,
      { number: "(select coalesce(max(r.number), 0) + 1 from revisions r where r.file_id = v.file_id)" },
    );
    const revisionOf = new Map(revRows.map((r) => [Number(r.file_id), Number(r.id)]));
    await tx.execute(sql`
      update files f set current_revision_id = v.rid
        from unnest(${pgArray([...revisionOf.keys()])}::bigint[], ${pgArray([...revisionOf.values()])}::bigint[]) as v(fid, rid)
       where f.id = v.fid`);

    const of = (kind: string) =>
      changed.filter((p) => p.def.kind === kind) as (Parsed & { def: MarkdownDefinition })[];
    const entity = (p: Parsed) => ({
      source_id: sourceId,
      file_id: fileId.get(p.path)!,
      revision_id: revisionOf.get(fileId.get(p.path)!)!,
      namespace: p.namespace,
      name: p.def.name,
      description: p.def.kind === "plugin" ? null : p.def.description,
    });
    const entityColumns = {
      source_id: "integer",
      file_id: "bigint",
      revision_id: "bigint",
      namespace: "text",
      name: "text",
      description: "text",
    } as const;

    // A file whose entity changed name leaves its old entity behind: retire it.
    for (const kind of ["agent", "skill", "command"] as const) {
      const rows = of(kind).filter(stored);
      if (rows.length === 0) continue;
      const retired = await tx.execute(sql`
        update ${sql.raw(`${kind}s`)} e set deleted_at = now()
          from unnest(${pgArray(rows.map((p) => fileId.get(p.path)!))}::bigint[], ${pgArray(rows.map((p) => p.def.name))}::text[]) as v(fid, name)
         where e.file_id = v.fid and e.name <> v.name and e.deleted_at is null
        returning e.id, e.name`);
      // (A renamed agent keeps its file, hence its stem: only the old name needs resolving.)
      for (const r of rowsOf<{ id: unknown; name: string }>(retired)) {
        touched[`${kind}s`].add(r.name);
        if (kind === "agent") touched.goneAgents.add(Number(r.id));
      }
    }

    const agentDefs = of("agent");
    const agentRows = await bulkInsert<{ id: number; file_id: number }>(
      tx,
      "agents",
      {
        ...entityColumns,
        stem: "text",
        model_raw: "text",
        model_family: "text",
        color: "text",
        tools_mode: "text",
        body: "text",
        diagnostics: "jsonb",
      },
      agentDefs.map((p) => ({
        ...entity(p),
        stem: p.stem,
        model_raw: p.def.model?.raw,
        model_family: p.def.model?.family,
        color: p.def.color,
        tools_mode: p.def.tools.mode,
        ...bodyOf(p),
        diagnostics: p.def.diagnostics,
      })),
      // One row per file and name: a file that comes back, or is renamed back, revives its row.
      sql`on conflict (file_id, name) do update
            set revision_id = excluded.revision_id, namespace = excluded.namespace,
                stem = excluded.stem, description = excluded.description, model_raw = excluded.model_raw,
                model_family = excluded.model_family, color = excluded.color, tools_mode = excluded.tools_mode,
                body = excluded.body, diagnostics = excluded.diagnostics, deleted_at = null, updated_at = now()
          returning id, file_id`,
      { body: "coalesce(v.body_text, substr(rv.content, v.body_from))" },
      sql`join revisions rv on rv.id = v.revision_id`,
      { body_text: "text", body_from: "integer" },
    );
    // By file: two files of the batch may declare one name.
    const agentId = new Map(agentRows.map((r) => [Number(r.file_id), Number(r.id)]));
    const agentIdOf = (p: Parsed) => agentId.get(fileId.get(p.path)!)!;
    for (const p of agentDefs) {
      changedAgentIds.push(agentIdOf(p));
      touched.agents.add(p.def.name);
      touched.agents.add(p.stem);
    }

    await bulkInsert(
      tx,
      "skills",
      entityColumns,
      of("skill").map(entity),
      sql`on conflict (file_id, name) do update
            set revision_id = excluded.revision_id, namespace = excluded.namespace,
                description = excluded.description, deleted_at = null`,
    );
    await bulkInsert(
      tx,
      "commands",
      entityColumns,
      of("command").map(entity),
      sql`on conflict (file_id, name) do update
            set revision_id = excluded.revision_id, namespace = excluded.namespace,
                description = excluded.description, deleted_at = null`,
    );
    for (const p of of("skill")) touched.skills.add(p.def.name);
    for (const p of of("command")) touched.commands.add(p.def.name);

    // A manifest created or renamed changes what `/<name>:cmd` means: its old and new names.
    const manifests = changed.filter((p) => p.def.kind === "plugin");
    for (const p of manifests) touched.plugins.add(p.def.name);
    const storedManifests = manifests.filter(stored);
    if (storedManifests.length > 0) {
      const before = await tx.execute(
        sql`select name from plugins where file_id = any(${pgArray(storedManifests.map((p) => fileId.get(p.path)!))}::bigint[])`,
      );
      for (const r of rowsOf<{ name: string }>(before)) touched.plugins.add(r.name);
    }
    await bulkInsert(
      tx,
      "plugins",
      {
        source_id: "integer",
        file_id: "bigint",
        name: "text",
        version: "text",
        description: "text",
        manifest: "jsonb",
      },
      changed
        .filter((p) => p.def.kind === "plugin")
        .map((p) => {
          const def = p.def as Extract<Definition, { kind: "plugin" }>;
          return {
            source_id: sourceId,
            file_id: fileId.get(p.path)!,
            name: def.name,
            version: def.version,
            description: def.description,
            manifest: def.manifest,
          };
        }),
      sql`on conflict (file_id) do update
            set name = excluded.name, version = excluded.version, description = excluded.description,
                manifest = excluded.manifest, deleted_at = null`,
    );

    if (changedAgentIds.length > 0)
      touched.aliases = await writeAgentFacts(
        tx,
        sourceId,
        agentDefs,
        agentIdOf,
        agentDefs.filter(stored).map(agentIdOf),
      );
  }

  if (deletedPaths.length > 0) {
    await deleteFiles(tx, sourceId, deletedPaths, touched);
    report.deleted.push(...deletedPaths);
  }
  report.generation = await resolveAndBump(tx, sourceId, changedAgentIds, deletedPaths.length > 0, touched);
  return { sourceId, agentIds: changedAgentIds };
}

/** What a write changed, for the references to resolve again. */
interface Touched {
  agents: Set<string>;
  skills: Set<string>;
  commands: Set<string>;
  /** Agents retired or deleted: edges resolved to them by any step are matched again. */
  goneAgents: Set<number>;
  /** Declared names as written, of the batch's agents. */
  aliases: string[];
  /** Plugin manifests' names, created, renamed (old and new) or deleted. */
  plugins: Set<string>;
}

function noneTouched(): Touched {
  return {
    agents: new Set(),
    skills: new Set(),
    commands: new Set(),
    goneAgents: new Set(),
    aliases: [],
    plugins: new Set(),
  };
}

/** Soft-deletes the source's files at these paths and their entities, as `--prune` does. */
async function deleteFiles(tx: AgentryTx, sourceId: number, paths: readonly string[], touched: Touched) {
  const gone = await tx
    .update(t.files)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(t.files.sourceId, sourceId), inArray(t.files.path, [...paths]), isNull(t.files.deletedAt)))
    .returning({ id: t.files.id });
  const ids = gone.map((g) => g.id);
  for (const [table, set] of [
    [t.agents, touched.agents],
    [t.skills, touched.skills],
    [t.commands, touched.commands],
  ] as const) {
    // Agents are also referred to by file stem: both names must be resolved again.
    const returning =
      table === t.agents ? sql`returning id, name, stem` : sql`returning id, name, name as stem`;
    const rows = await tx.execute(
      sql`update ${table} set deleted_at = now() where file_id = any(${pgArray(ids)}::bigint[]) and deleted_at is null ${returning}`,
    );
    for (const r of rowsOf<{ id: unknown; name: string; stem: string }>(rows)) {
      set.add(r.name).add(r.stem);
      if (table === t.agents) touched.goneAgents.add(Number(r.id));
    }
  }
  const plugins = await tx
    .update(t.plugins)
    .set({ deletedAt: sql`now()` })
    .where(inArray(t.plugins.fileId, ids))
    .returning({ name: t.plugins.name });
  for (const r of plugins) touched.plugins.add(r.name);
}

/** Resolves what the write touched and moves the source's generation: its new value. */
async function resolveAndBump(
  tx: AgentryTx,
  sourceId: number,
  changedAgentIds: number[],
  afterDeletion: boolean,
  touched: Touched,
): Promise<number> {
  await resolveReferences(tx, sourceId, {
    agentIds: changedAgentIds,
    // The batch's own edges were resolved on insert; a deletion since may change them.
    resolvedAtInsert: afterDeletion ? [] : changedAgentIds,
    agentNames: [...touched.agents],
    skillNames: [...touched.skills],
    commandNames: [...touched.commands],
    aliases: touched.aliases,
    goneAgentIds: [...touched.goneAgents],
    pluginNames: [...touched.plugins],
  });
  const [bumped] = await tx
    .update(t.sources)
    .set({ generation: sql`${t.sources.generation} + 1`, updatedAt: sql`now()` })
    .where(eq(t.sources.id, sourceId))
    .returning({ generation: t.sources.generation });
  return bumped!.generation;
}

/**
 * Soft-deletes these live files of a source and their entities (deleteAgent, deleteSource: the
 * same as an import's prune), resolves again what pointed at them, and moves the generation.
 * The caller's transaction, under the source's lock. Returns the paths deleted and the new
 * generation (unchanged when none was live).
 */
export async function deletePathsInTransaction(
  tx: AgentryTx,
  sourceId: number,
  paths: readonly string[],
): Promise<{ deleted: string[]; generation: number | null }> {
  if (paths.length === 0) return { deleted: [], generation: null };
  await tx.execute(sql`set local jit = off`);
  const live = rowsOf<{ path: string }>(
    await tx.execute(
      sql`select path from files where source_id = ${sourceId} and deleted_at is null and path = any(${pgArray([...paths])}::text[])`,
    ),
  ).map((r) => r.path);
  if (live.length === 0) return { deleted: [], generation: null };
  const touched = noneTouched();
  await deleteFiles(tx, sourceId, live, touched);
  const generation = await resolveAndBump(tx, sourceId, [], true, touched);
  return { deleted: live.sort(byteOrder), generation };
}

/**
 * Brings back files of a source deleted at one instant (`deletedAt`, an SQL expression for the
 * deleting transaction's now(): compared in the database, at its microseconds, never through a
 * JavaScript Date) with the entities deleted with them, at their current revisions;
 * resolves the references again and moves the generation. A path that has a live file again
 * (published since) is left as it is. Returns the paths restored.
 */
export async function restorePathsInTransaction(
  tx: AgentryTx,
  sourceId: number,
  paths: readonly string[],
  deletedAt: SQL,
): Promise<{ restored: string[]; generation: number | null }> {
  if (paths.length === 0) return { restored: [], generation: null };
  await tx.execute(sql`set local jit = off`);
  const [instant] = rowsOf<{ at: string | null }>(await tx.execute(sql`select (${deletedAt})::text as at`));
  if (!instant?.at) return { restored: [], generation: null };
  const at = instant.at;
  const files = rowsOf<{ id: unknown; path: string }>(
    await tx.execute(sql`
      update files set deleted_at = null, updated_at = now()
       where source_id = ${sourceId} and path = any(${pgArray([...paths])}::text[])
         and deleted_at = ${at}::timestamptz
      returning id, path`),
  );
  if (files.length === 0) return { restored: [], generation: null };
  const ids = pgArray(files.map((f) => Number(f.id)));
  const touched = noneTouched();
  const agentIds: number[] = [];
  for (const [table, set] of [
    [t.agents, touched.agents],
    [t.skills, touched.skills],
    [t.commands, touched.commands],
  ] as const) {
    const returning =
      table === t.agents ? sql`returning id, name, stem` : sql`returning id, name, name as stem`;
    const rows = await tx.execute(
      sql`update ${table} set deleted_at = null where file_id = any(${ids}::bigint[]) and deleted_at = ${at}::timestamptz ${returning}`,
    );
    for (const r of rowsOf<{ id: unknown; name: string; stem: string }>(rows)) {
      set.add(r.name).add(r.stem);
      if (table === t.agents) agentIds.push(Number(r.id));
    }
  }
  const plugins = rowsOf<{ name: string }>(
    await tx.execute(
      sql`update plugins set deleted_at = null where file_id = any(${ids}::bigint[]) and deleted_at = ${at}::timestamptz returning name`,
    ),
  );
  for (const r of plugins) touched.plugins.add(r.name);
  if (agentIds.length > 0) {
    const aliases = rowsOf<{ alias: string }>(
      await tx.execute(
        sql`select alias from agent_aliases where agent_id = any(${pgArray(agentIds)}::bigint[])`,
      ),
    );
    touched.aliases = aliases.map((a) => a.alias);
  }
  const generation = await resolveAndBump(tx, sourceId, agentIds, true, touched);
  // Vectors are kept through a soft delete; any an import left stale are written now.
  await indexStaleAgents(tx, sourceId);
  return { restored: files.map((f) => f.path).sort(byteOrder), generation };
}

interface WrittenBatch {
  sourceId: number;
  /** Agents created or changed: their search vectors are written next. */
  agentIds: number[];
}

/** The tables whose rows an agent's file states; a changed file replaces all of them. */
const AGENT_CHILD_TABLES = [
  "agent_tools",
  "agent_skills",
  "agent_commands",
  "agent_aliases",
  "examples",
  "sections",
  "collaborations",
] as const;

/** Replaces the child rows (tools, skills, commands, examples, sections, edges) of changed agents. */
async function writeAgentFacts(
  tx: AgentryTx,
  sourceId: number,
  defs: readonly (Parsed & { def: MarkdownDefinition })[],
  agentIdOf: (p: Parsed) => number,
  /** The agents that may have child rows already: those of files stored before. */
  replaced: number[],
): Promise<string[]> {
  if (replaced.length > 0) {
    for (const table of AGENT_CHILD_TABLES)
      await tx.execute(
        sql`delete from ${sql.raw(table)} where agent_id = any(${pgArray(replaced)}::bigint[])`,
      );
  }
  const toolNames = new Map<string, { name: string; kind: string; server: string | null }>();
  for (const p of defs) {
    for (const tool of p.def.tools.items)
      toolNames.set(tool.name, { name: tool.name, kind: tool.kind, server: tool.server ?? null });
  }
  const toolId = new Map<string, number>();
  if (toolNames.size > 0) {
    // Tools are shared by every source. Existing ones are read, not locked (an upsert's
    // `do update` locked each row until commit, and two sources adding the same tools in
    // opposite orders deadlocked in 1 of 3 runs); new ones are inserted in name order, so
    // two imports adding the same new tools wait for each other instead of deadlocking.
    const names = [...toolNames.keys()].sort();
    const known = rowsOf<{ id: number; name: string }>(
      await tx.execute(sql`select id, name from tools where name = any(${pgArray(names)}::text[])`),
    );
    for (const r of known) toolId.set(r.name, Number(r.id));
    const missing = names.filter((n) => !toolId.has(n)).map((n) => toolNames.get(n)!);
    if (missing.length > 0) {
      await bulkInsert(
        tx,
        "tools",
        { name: "text", kind: "text", server: "text" },
        missing,
        sql`on conflict (name) do nothing`,
      );
      // Inserted here or, a moment ago, by another import that committed first.
      const added = rowsOf<{ id: number; name: string }>(
        await tx.execute(
          sql`select id, name from tools where name = any(${pgArray(missing.map((m) => m.name))}::text[])`,
        ),
      );
      for (const r of added) toolId.set(r.name, Number(r.id));
    }
  }
  const tools: Record<string, unknown>[] = [];
  const skills: Record<string, unknown>[] = [];
  const commands: Record<string, unknown>[] = [];
  const examples: Record<string, unknown>[] = [];
  const sections: Record<string, unknown>[] = [];
  const edges: Record<string, unknown>[] = [];
  const aliases: Record<string, unknown>[] = [];
  for (const p of defs) {
    const d = p.def;
    const agent_id = agentIdOf(p);
    // The declared name as written, where the catalog keeps its kebab-case form.
    const declared = d.nameOrigin === "filename" ? null : d.source.frontmatter.data.name;
    if (typeof declared === "string" && declared.trim() !== d.name && declared.trim() !== "")
      aliases.push({ agent_id, alias: declared.trim() });
    d.tools.items.forEach((tool, i) => {
      tools.push({ agent_id, tool_id: toolId.get(tool.name)!, tier: tool.tier, position: i });
    });
    d.skills.forEach((s, i) => {
      skills.push({
        agent_id,
        name: s.name,
        origin: s.origin,
        position: i,
        evidence_line: s.evidence?.line,
        evidence_text: s.evidence?.text,
      });
    });
    d.commands.forEach((c, i) => {
      commands.push({
        agent_id,
        name: c.name,
        position: i,
        evidence_line: c.evidence.line,
        evidence_text: c.evidence.text,
      });
    });
    d.examples.forEach((e, i) => {
      examples.push({
        agent_id,
        position: i,
        context: e.context,
        user_text: e.user,
        assistant_text: e.assistant,
        commentary: e.commentary,
      });
    });
    d.sections.forEach((s, i) => {
      sections.push({
        agent_id,
        position: i,
        title: s.title,
        key: s.key,
        level: s.level,
        line: s.line,
        end_line: s.endLine,
      });
    });
    for (const c of d.collaborations) {
      edges.push({
        agent_id,
        source_id: sourceId,
        kind: c.kind,
        from_name: c.from,
        to_name: c.to,
        from_text: c.fromText,
        to_text: c.toText,
        from_kind: c.fromKind,
        to_kind: c.toKind,
        // The stating agent's own side is known now; the insert resolves the other.
        own_from: c.from === d.name ? agent_id : null,
        own_to: c.to === d.name ? agent_id : null,
        summary: c.summary,
        attributes: c.attributes,
        phase: c.phase,
        section: c.section,
        evidence_line: c.evidence.line,
        evidence_text: c.evidence.text,
      });
    }
    const explicit = new Set(d.collaborations.flatMap((c) => [c.from, c.to]));
    for (const m of mentionCandidates(d.body, d.source.bodyStartLine + 1, [d.name, p.stem, ...explicit])) {
      edges.push({
        agent_id,
        source_id: sourceId,
        kind: "mention",
        from_name: d.name,
        own_from: agent_id,
        to_name: m.name,
        attributes: {},
        evidence_line: m.evidence.line,
        evidence_text: m.evidence.text,
      });
    }
  }
  await bulkInsert(
    tx,
    "agent_tools",
    { agent_id: "bigint", tool_id: "integer", tier: "text", position: "smallint" },
    tools,
  );
  await bulkInsert(
    tx,
    "agent_skills",
    {
      agent_id: "bigint",
      name: "text",
      origin: "text",
      position: "smallint",
      evidence_line: "integer",
      evidence_text: "text",
    },
    skills,
  );
  await bulkInsert(
    tx,
    "agent_commands",
    {
      agent_id: "bigint",
      name: "text",
      position: "smallint",
      evidence_line: "integer",
      evidence_text: "text",
    },
    commands,
  );
  await bulkInsert(
    tx,
    "examples",
    {
      agent_id: "bigint",
      position: "smallint",
      context: "text",
      user_text: "text",
      assistant_text: "text",
      commentary: "text",
    },
    examples,
  );
  await bulkInsert(
    tx,
    "sections",
    {
      agent_id: "bigint",
      position: "smallint",
      title: "text",
      key: "text",
      level: "smallint",
      line: "integer",
      end_line: "integer",
    },
    sections,
  );
  await bulkInsert(tx, "agent_aliases", { agent_id: "bigint", alias: "text" }, aliases);
  // Each edge is resolved as it is written: the batch's agents are in already, so an edge to
  // an agent of the same batch, or of an earlier one, needs no update afterwards (updating a
  // third of a million edges was the largest part of importing 100,000 agents).
  const namespaces = new Map(defs.map((p) => [agentIdOf(p), p.namespace]));
  const namespaceOfAgent = (agentId: number) => namespaces.get(agentId)!;
  const lookups = { from: new NameLookups(namespaceOfAgent), to: new NameLookups(namespaceOfAgent) };
  for (const e of edges) {
    e.from_key = e.own_from == null && e.from_kind == null ? lookups.from.key(e, "from") : null;
    e.to_key = e.own_to == null && e.to_kind == null ? lookups.to.key(e, "to") : null;
  }
  await bulkInsert(
    tx,
    "collaborations",
    {
      agent_id: "bigint",
      source_id: "integer",
      kind: "text",
      from_name: "text",
      to_name: "text",
      from_text: "text",
      to_text: "text",
      from_kind: "text",
      to_kind: "text",
      from_agent_id: "bigint",
      to_agent_id: "bigint",
      candidates: "text",
      summary: "text",
      attributes: "jsonb",
      phase: "text",
      section: "text",
      evidence_line: "integer",
      evidence_text: "text",
    },
    edges,
    sql``,
    {
      from_agent_id: "coalesce(v.own_from, mf.chosen)",
      to_agent_id: "coalesce(v.own_to, mt.chosen)",
      // As the resolver writes them: an ambiguous `from` side's candidates, else the `to` side's.
      candidates: `case when v.own_from is null and mf.chosen is null and mf.n > 1 then mf.refs
                        when v.own_to is null and mt.chosen is null and mt.n > 1 then mt.refs end`,
    },
    sql`left join ${lookups.from.matched(sourceId)} mf on mf.key = v.from_key
        left join ${lookups.to.matched(sourceId)} mt on mt.key = v.to_key`,
    // The stating agent's own side, known before the statement, and each other side's lookup.
    { own_from: "bigint", own_to: "bigint", from_key: "integer", to_key: "integer" },
  );
  return aliases.map((a) => a.alias as string);
}
