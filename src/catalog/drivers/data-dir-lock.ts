// One process per PGlite data folder. PGlite is PostgreSQL compiled to WASM without its
// postmaster: nothing stops a second process from opening the same files, and two that do
// each keep their own buffers and WAL position. Round 1 measured what follows: an import run
// beside `npm start` reported "158 created" that the server never saw and a restart lost,
// the next import failed inside `agent_search`, and the one after listed every agent twice.
//
// The holder writes `agentry.lock` into the folder, created with O_EXCL so that exactly one
// process wins. A lock whose holder is gone (no such pid on this host, or a pid that was
// reused by a process that started later) is stale and is taken over, under a second,
// short-lived mkdir lock so that two processes taking over at once cannot remove each other's
// fresh lock. See docs/decisions/0012-one-process-per-pglite-folder.md.
import { randomUUID } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

export const LOCK_FILE = "agentry.lock";

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid. */
  processStart: z.string().nullable(),
  token: z.string(),
});
export type LockHolder = z.infer<typeof holderSchema>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} (${holder.command}${holder.host === hostname() ? "" : ` on host ${holder.host}`}, since ${holder.startedAt})`
      : "another process (its lock file is being written)";
    super(
      `the embedded catalog in ${dataDir} is in use by ${who}. ` +
        "PGlite lets one process at a time open a data folder: stop that process and run this again, " +
        "or keep the catalog on a PostgreSQL server (DATABASE_URL=postgres://…) that several processes can share." +
        (holder && holder.host !== hostname()
          ? ` If that host no longer uses the folder, delete ${join(dataDir, LOCK_FILE)}.`
          : ""),
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** This process's start time, field 22 of /proc/<pid>/stat; null where there is no procfs. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell: never take another host's lock
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = processStart(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function ageMs(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A lock file that cannot be read after this long was left half-written by a crash. */
const UNREADABLE_STALE_MS = 5_000;
/** A takeover takes microseconds; a takeover lock older than this was left by a crash. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the folder's lock or throws DataDirLockedError naming the holder. Synchronous: it
 * runs once per process before PGlite opens the folder, and must finish before anything else
 * can touch it.
 */
export function lockDataDir(dataDir: string, command = describeCommand()): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
    processStart: processStart(process.pid),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(path, me)) return held(path, me);
    const holder = readHolder(path);
    if (holder === null) {
      // Being written right now, or left half-written by a crash long ago.
      const age = ageMs(path);
      if (age !== null && age < UNREADABLE_STALE_MS) {
        if (attempt === 49) throw new DataDirLockedError(dataDir, null);
        sleep(20);
        continue;
      }
    } else if (isAlive(holder)) {
      throw new DataDirLockedError(dataDir, holder);
    }
    takeOver(path, holder);
  }
  throw new DataDirLockedError(dataDir, readHolder(path));
}

function tryCreate(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock, only while holding the takeover lock and only if the file still names
 * the stale holder: between our read and the unlink nobody else can replace it, since only a
 * takeover removes a lock file and `wx` cannot create one over it.
 */
function takeOver(path: string, stale: LockHolder | null): void {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const age = ageMs(guard);
    if (age !== null && age > TAKEOVER_STALE_MS) rmdirSafe(guard);
    else sleep(20);
    return; // the caller tries again from the start
  }
  try {
    const now = readHolder(path);
    const same = stale === null ? now === null : now?.token === stale.token;
    if (same) unlinkSafe(path);
  } finally {
    rmdirSafe(guard);
  }
}

function held(path: string, me: LockHolder): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    // Only our own lock: never remove one a later holder took over.
    if (readHolder(path)?.token === me.token) unlinkSafe(path);
  };
  // A process that exits without closing the database (an uncaught error) leaves no lock.
  process.on("exit", release);
  return { path, release };
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

function rmdirSafe(path: string): void {
  try {
    rmdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/** `agentry serve`, `agentry import … --source x`: what the holder is, for the message. */
function describeCommand(): string {
  const args = process.argv.slice(2).filter((a) => !/^postgres(ql)?:\/\//.test(a));
  const script = process.argv[1] ?? "";
  const name = /agentry|cli[\\/]main/.test(script) ? "agentry" : /start/.test(script) ? "npm start" : "node";
  return [name, ...args].join(" ").slice(0, 200);
}
