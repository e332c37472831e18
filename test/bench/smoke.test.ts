// The benchmark harness in its smoke mode (`npm run bench -- --smoke`): a small catalog, short
// runs. No timing is asserted (machines are noisy); what is checked is that every scenario ran
// against every server it names, answered without errors, and that the SQL statements per
// request, counted on the wire by the harness's proxy, are what each server is built to send:
// at most 4 for Agentry in every scenario, exactly 1 for the hand-written floor and for
// PostGraphile (one statement per GraphQL request), none for bare Yoga.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(resolve(tmpdir(), "agentry-bench-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run bench -- --smoke", async () => {
  const up = await postgresAvailable();
  it.skipIf(!up)(
    "runs every scenario against Agentry, the floor, the peer and the ceiling, with the statement counts",
    async () => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "bench/run.ts", "--smoke", "--name", "smoke", "--out", out],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const code = await new Promise<number | null>((done) => child.once("exit", done));
      expect(code, stderr).toBe(0);
      // The Markdown report on stdout, the figures as JSON in the output folder.
      expect(stdout).toContain("| scenario | server |");
      const results = JSON.parse(readFileSync(resolve(out, "smoke.json"), "utf8"));

      expect(results.parse.filesPerSecond).toBeGreaterThan(0);
      expect(results.imports.map((i: any) => i.database).sort()).toEqual(["PGlite", "PostgreSQL"]);
      for (const i of results.imports) expect(i.unchangedFilesPerSecond).toBeGreaterThan(0);

      const byName = new Map<string, any>(results.scenarios.map((s: any) => [s.name, s]));
      const servers = (name: string) => byName.get(name).targets.map((t: any) => t.target);
      expect(servers("agent detail")).toEqual(["agentry", "floor", "peer"]);
      expect(servers("agentGraph depth 3, uncached")).toEqual(["agentry", "floor"]);
      expect(servers("agentGraph depth 3, cached")).toEqual(["agentry"]);
      expect(servers("{ __typename }")).toEqual(["agentry", "ceiling"]);

      for (const s of results.scenarios) {
        for (const t of s.targets) {
          expect(t.latency.count, `${s.name} / ${t.target}`).toBeGreaterThan(0);
          expect(t.latency.bytes, `${s.name} / ${t.target}`).toBeGreaterThan(0);
          const expected = { agentry: [0, 4], floor: [1, 1], peer: [1, 1], ceiling: [0, 0] }[
            t.target as string
          ]!;
          expect(t.statements, `${s.name} / ${t.target}`).toBeGreaterThanOrEqual(expected[0]!);
          expect(t.statements, `${s.name} / ${t.target}`).toBeLessThanOrEqual(expected[1]!);
        }
      }
      // The uncached graph is computed: its statements are more than the cached one's.
      const agentryOf = (name: string) => byName.get(name).targets.find((t: any) => t.target === "agentry");
      expect(agentryOf("agentGraph depth 3, uncached").statements).toBeGreaterThan(
        agentryOf("agentGraph depth 3, cached").statements,
      );
      expect(agentryOf("agent detail").statements).toBe(4);
      expect(results.targets.find((t: any) => t.target.startsWith("SQL statements")).met).toBe(true);
    },
    300_000,
  );
});
