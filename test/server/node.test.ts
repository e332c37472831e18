// The Node server as a user starts it: `agentry serve` in a child process, the example catalog
// loaded on first start, health and readiness, GraphiQL with no CDN, graceful SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");

describe("agentry serve", () => {
  let child: ChildProcess;
  let url = "";
  let dataDir = "";
  const output: string[] = [];
  let exit: Promise<number | null>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "agentry-serve-"));
    child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
      env: { ...process.env, AGENTRY_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    exit = new Promise((done) => child.once("exit", (code) => done(code)));
    url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no start within 60 s: ${output.join("")}`)), 60_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        output.push(chunk.toString());
        const m = /"url":"([^"]+)"/.exec(output.join(""));
        if (m) {
          clearTimeout(timer);
          done(m[1]!.replace(/\/graphql$/, ""));
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    });
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("loads the example catalog on first start and answers GraphQL", async () => {
    expect(output.join("")).toContain("loaded the example catalog");
    const r = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ sources(first: 10) { nodes { name agentCount } } }" }),
    });
    const body = (await r.json()) as { data: { sources: { nodes: { name: string; agentCount: number }[] } } };
    expect(body.data.sources.nodes.map((s) => s.name)).toEqual([
      "acme-platform",
      "community-agents",
      "solo-dev",
    ]);
    expect(body.data.sources.nodes.reduce((n, s) => n + s.agentCount, 0)).toBeGreaterThanOrEqual(12);
  });

  it("answers /healthz and /readyz", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "alive" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", driver: "pglite" });
  });

  it("serves GraphiQL without any CDN, opening with the example operations", async () => {
    const page = await (await fetch(`${url}/graphql`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain("<html");
    expect(page).toContain("AgentDetail");
    expect(page).not.toMatch(/https:\/\/(unpkg\.com|cdn\.jsdelivr\.net)/);
  });

  it("shuts down gracefully on SIGTERM", async () => {
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(output.join("")).toContain("agentry stopped");
  });
});
