// A Redis and a PostgreSQL of the test's own, that the test can freeze (SIGSTOP: the process
// stays, its sockets stay open, nothing answers: what a hung host looks like) and thaw
// (SIGCONT). Never the machine's shared services on 6379 and 5432.
// - Redis: `redis-server` as a child process on a free port, no persistence.
// - PostgreSQL: initdb and pg_ctl from the machine's binaries as the `postgres` user (the
//   server refuses to run as root), trust authentication, on a free port; frozen whole: the
//   postmaster (no new sessions) and every backend (no answers on open ones).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-forwarder.js";

export interface Freezable {
  port: number;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPrivateRedis(): Promise<Freezable & { url: string }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitForPort(port, 10_000);
  const pid = child.pid!;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    freeze: () => process.kill(pid, "SIGSTOP"),
    thaw: () => process.kill(pid, "SIGCONT"),
    stop: async () => {
      if (child.exitCode !== null) return;
      process.kill(pid, "SIGCONT");
      child.kill("SIGKILL");
      await exited;
    },
  };
}

const PG_ROOT = "/usr/lib/postgresql";

function pgBinaries(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const version = readdirSync(PG_ROOT).sort().at(-1);
  const bin = version ? join(PG_ROOT, version, "bin") : null;
  return bin && existsSync(join(bin, "initdb")) ? bin : null;
}

export function privatePostgresAvailable(): boolean {
  return pgBinaries() !== null && process.getuid?.() === 0;
}

/** The pids of a process's children (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {}
  }
  return out;
}

export async function startPrivatePostgres(): Promise<Freezable & { url: string; pids(): number[] }> {
  const bin = pgBinaries()!;
  const home = await mkdtemp(join(tmpdir(), "agentry-frozen-pg-"));
  const pgUid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const pgGid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  await chown(home, pgUid, pgGid);
  const port = await freePort();
  const asPostgres = (cmd: string) =>
    execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", cmd], { stdio: ["ignore", "pipe", "pipe"] });
  asPostgres(`${bin}/initdb -D ${home}/data -A trust -U postgres`);
  asPostgres(
    `${bin}/pg_ctl -D ${home}/data -w -o '-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off' -l ${home}/log start`,
  );
  const postmaster = Number(readFileSync(join(home, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const pids = () => [postmaster, ...childrenOf(postmaster)];
  let frozen: number[] = [];
  const thaw = () => {
    for (const pid of frozen.reverse()) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {}
    }
    frozen = [];
  };
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pids,
    // The postmaster first, so that it forks no backend the list would miss.
    freeze: () => {
      process.kill(postmaster, "SIGSTOP");
      frozen = [postmaster];
      for (const pid of childrenOf(postmaster)) {
        try {
          process.kill(pid, "SIGSTOP");
          frozen.push(pid);
        } catch {}
      }
    },
    thaw,
    stop: async () => {
      thaw();
      try {
        asPostgres(`${bin}/pg_ctl -D ${home}/data -m immediate stop`);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
  };
}
