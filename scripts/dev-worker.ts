// npm run dev:worker — the Worker locally (`wrangler dev --local`) against the local Postgres,
// through the local Neon stand-ins (a WebSocket relay and an HTTP SQL endpoint, both
// forwarding to that real server). Creates and fills the database `agentry_dev` on first run.
// Stopped (SIGTERM or SIGINT to it or to the npm that runs it), it stops wrangler and workerd
// too and frees the port.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";
import { openDatabase } from "../src/catalog/database.js";
import { readDatabaseConfig } from "../src/config.js";
import { loadExamplesIfEmpty } from "../src/server/examples.js";
import { startNeonHttpEndpoint } from "../test/support/neon-http-endpoint.js";
import { startNeonWsRelay } from "../test/support/neon-ws-relay.js";

const admin = process.env.AGENTRY_DEV_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const port = process.env.PORT ?? "8787";
const url = new URL(admin);
url.pathname = "/agentry_dev";
const databaseUrl = process.env.DATABASE_URL ?? url.toString();

if (!process.env.DATABASE_URL) {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = 'agentry_dev'");
  if (exists.rowCount === 0) await client.query("create database agentry_dev");
  await client.end();
}
const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: databaseUrl }));
await database.migrate();
const loaded = await loadExamplesIfEmpty(database);
await database.close();
if (loaded) console.log(`loaded the example catalog into ${databaseUrl}`);

const relay = await startNeonWsRelay();
const http = await startNeonHttpEndpoint();
console.log(`Neon stand-ins: WebSocket relay ${relay.url}, HTTP endpoint ${http.url}`);

// wrangler in a process group of its own, so that stopping reaches all of it: wrangler's bin
// script runs its CLI in a child node process without passing signals on, and the CLI runs
// workerd; a SIGTERM to the first alone left the other two serving the port. No stdin: a
// background process group that reads the terminal is stopped by the kernel (SIGTTIN).
const child = spawn(
  process.execPath,
  [
    resolve(import.meta.dirname, "../node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    port,
    "--var",
    `DATABASE_URL:${databaseUrl}`,
    "--var",
    `AGENTRY_NEON_HTTP_ENDPOINT:${http.url}`,
    "--var",
    `AGENTRY_NEON_WS_PROXY:127.0.0.1:${relay.port}/v2`,
    "--var",
    "AGENTRY_NEON_INSECURE:1",
  ],
  {
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? "/tmp/agentry-wrangler",
    },
  },
);
const exited = new Promise<number>((done) => child.once("exit", (code) => done(code ?? 0)));

let stopping: Promise<void> | null = null;
/** Stops wrangler's whole process group (SIGKILL after 10 s), then the stand-ins, then exits. */
function stop(signal: NodeJS.Signals, code = 0): Promise<void> {
  stopping ??= (async () => {
    clearInterval(watch);
    signalGroup(signal);
    const deadline = Date.now() + 10_000;
    while (groupAlive() && Date.now() < deadline) await sleep(100);
    if (groupAlive()) signalGroup("SIGKILL");
    await relay.close().catch(() => {});
    await http.close().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}

function signalGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {}
}

/** Whether a process of wrangler's group is still running (a zombie has stopped: not counted). */
function groupAlive(): boolean {
  try {
    process.kill(-child.pid!, 0);
  } catch {
    return false;
  }
  return groupMembers().some((pid) => !isZombie(pid));
}

function groupMembers(): number[] {
  if (!existsSync("/proc")) return [child.pid!];
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => statOf(pid)?.pgrp === child.pid);
}

function statOf(pid: number): { state: string; ppid: number; pgrp: number } | null {
  try {
    // After the command's closing parenthesis: state, ppid, pgrp.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state!, ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}

function isZombie(pid: number): boolean {
  const stat = statOf(pid);
  return !stat || stat.state === "Z" || stat.state === "X";
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * The processes that launched this one for `npm run dev:worker` (npm, its `sh -c`, tsx's CLI):
 * npm passes a SIGTERM to its sh, which dies without passing it on, so a SIGTERM to npm never
 * reaches this process. When one of them is gone we stop as if signalled. (Linux: /proc.)
 */
function launchers(): number[] {
  const out: number[] = [];
  let pid = process.ppid;
  while (pid > 1 && existsSync(`/proc/${pid}/cmdline`)) {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    if (!/dev[:-]worker/.test(command)) break;
    out.push(pid);
    pid = statOf(pid)?.ppid ?? 0;
  }
  return out;
}

const watched = launchers();
const watch = setInterval(() => {
  if (watched.some(isZombie)) void stop("SIGTERM");
}, 500);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => void stop(signal));
// wrangler ended by itself (an error, or its own exit): stop the rest of its group and ours.
void exited.then((code) => stop("SIGTERM", code));
