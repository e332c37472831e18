// The data-folder lock on its own: one holder, a clear refusal naming it, stale locks (a dead
// pid, a reused pid, a half-written file) taken over, and exactly one winner when several
// processes race for a stale lock.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../../src/catalog/drivers/data-dir-lock.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** A pid that no process has: spawn a process, wait for it to end, and use its pid. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((done) => child.once("exit", done));
  return child.pid!;
}

function writeLock(dir: string, fields: Record<string, unknown>): void {
  const lock = {
    pid: process.pid,
    host: hostname(),
    command: "agentry serve",
    startedAt: "2026-01-01T00:00:00.000Z",
    processStart: null,
    token: "stale-token",
    ...fields,
  };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
}

describe("the PGlite data-folder lock", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agentry-lock-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is held by one holder at a time and names it to the next", () => {
    const lock = lockDataDir(dir, "agentry serve --port 4000");
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, command: "agentry serve --port 4000" });
    let refused: unknown;
    try {
      lockDataDir(dir, "agentry import x --source y");
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const message = (refused as Error).message;
    expect(message).toContain(`process ${process.pid} (agentry serve --port 4000`);
    expect(message).toContain("stop that process");
    expect(message).toContain("DATABASE_URL=postgres://");
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, "again").release();
  });

  it("takes over the lock of a process that is gone", async () => {
    writeLock(dir, { pid: await deadPid() });
    const lock = lockDataDir(dir, "agentry import");
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over the lock of a pid that a later process reuses", () => {
    // Our own pid, but a start time that is not ours: the holder was an earlier process.
    writeLock(dir, { processStart: "1" });
    const lock = lockDataDir(dir, "agentry import");
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).token).not.toBe("stale-token");
    lock.release();
  });

  it("takes over a lock file a crash left unreadable, once it is old", async () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    const { utimesSync } = await import("node:fs");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    lockDataDir(dir, "agentry import").release();
  });

  it("never takes another host's lock", () => {
    writeLock(dir, { host: "another-host", pid: 1 });
    expect(() => lockDataDir(dir, "agentry import")).toThrow(/on host another-host.*delete .*agentry\.lock/s);
  });

  it("lets exactly one of several processes racing for a stale lock win", async () => {
    writeLock(dir, { pid: await deadPid() });
    const script = `
      import { lockDataDir } from ${JSON.stringify(join(ROOT, "src/catalog/drivers/data-dir-lock.ts"))};
      try { lockDataDir(process.argv[1], "racer"); console.log("won"); setTimeout(() => {}, 1500); }
      catch (e) { console.log(e.constructor.name); }`;
    const racers = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dir], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      return new Promise<string>((done) => child.once("exit", () => done(out.trim())));
    });
    const outcomes = await Promise.all(racers);
    expect(outcomes.filter((o) => o === "won")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "DataDirLockedError")).toHaveLength(5);
    // The winner released its lock at exit.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
