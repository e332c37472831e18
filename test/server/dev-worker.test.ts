// `npm run dev:worker` as a user (or a process manager) runs and stops it: started on a free
// port against a fresh database, answering, then a SIGTERM to npm. Afterwards the port is
// free and none of the processes it started (tsx, wrangler, workerd) is left running; before
// the fix, wrangler's CLI and workerd kept serving the port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const ROOT = resolve(import.meta.dirname, "../..");
const up = (await postgresAvailable()) && existsSync("/proc");
if (!up) console.warn("SKIPPED: the dev:worker test needs PostgreSQL and /proc (Linux)");

function stat(pid: number): { state: string; ppid: number; command: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid] = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { state: state!, ppid: Number(ppid), command };
  } catch {
    return null;
  }
}

/** Running (not zombie) descendants of a process, with their command lines. */
function descendants(root: number): { pid: number; command: string }[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => ({ pid: Number(d), s: stat(Number(d)) }))
    .filter((p) => p.s !== null);
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (!found.has(p.pid) && found.has(p.s!.ppid)) {
        found.add(p.pid);
        grew = true;
      }
  }
  found.delete(root);
  return all
    .filter((p) => found.has(p.pid) && p.s!.state !== "Z")
    .map((p) => ({ pid: p.pid, command: p.s!.command }));
}

const running = (pid: number) => {
  const s = stat(pid);
  return s !== null && s.state !== "Z" && s.state !== "X";
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe.runIf(up)("npm run dev:worker", () => {
  let npm: ChildProcess;
  let port = 0;
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let started: { pid: number; command: string }[] = [];
  const output: string[] = [];

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    port = await freePort();
    npm = spawn("npm", ["run", "dev:worker"], {
      cwd: ROOT,
      // Its own process group: whatever happens, afterAll can find what it started.
      detached: true,
      env: { ...process.env, PORT: String(port), DATABASE_URL: db.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    npm.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
    npm.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (npm.exitCode !== null) throw new Error(`dev:worker exited: ${output.join("")}`);
      await new Promise((done) => setTimeout(done, 500));
    }
    started = descendants(npm.pid!);
  }, 180_000);

  afterAll(async () => {
    // Only what this test started, by pid.
    for (const p of descendants(npm?.pid ?? 0)) process.kill(p.pid, "SIGKILL");
    for (const p of started) if (running(p.pid)) process.kill(p.pid, "SIGKILL");
    if (npm?.exitCode === null) npm.kill("SIGKILL");
    await db?.drop();
  });

  it("serves the Worker on the port", async () => {
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ sources(first: 5) { nodes { name } } }" }),
    });
    expect(((await r.json()) as any).data.sources.nodes.map((s: any) => s.name)).toContain("acme-platform");
    expect(started.some((p) => p.command.includes("workerd"))).toBe(true);
    expect(started.some((p) => p.command.includes("wrangler"))).toBe(true);
  });

  it("stops wrangler and workerd when npm gets SIGTERM, freeing the port", async () => {
    const exited = new Promise((done) => npm.once("exit", done));
    npm.kill("SIGTERM");
    await exited;
    // The script notices its launcher is gone within half a second and waits up to 10 s for
    // wrangler's group: wait for that, then count what is left.
    for (let i = 0; i < 60 && started.some((p) => running(p.pid)); i++)
      await new Promise((done) => setTimeout(done, 250));
    expect(started.filter((p) => running(p.pid)).map((p) => p.command)).toEqual([]);
    const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
  }, 60_000);
});
