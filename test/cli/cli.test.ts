// The `agentry` command as a user runs it: through bin/agentry.js in a child process.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: FIXTURES });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

describe("agentry validate", () => {
  it("passes a clean catalog and prints warnings as path:line:col", async () => {
    const r = await run("validate", "catalog");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "catalog/release-manager.md:3:1: warning: no frontmatter; metadata read from a Markdown list",
    );
    expect(r.stderr).toMatch(/6 files checked: 0 errors/);
    expect(r.stdout).not.toMatch(/at .*\.ts:\d+/);
  });

  it("fails on warnings with --strict", async () => {
    expect((await run("validate", "--strict", "catalog")).code).toBe(1);
  });

  it("exits 1 on errors, naming file, line and column", async () => {
    const r = await run("validate", "broken");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "broken/.claude-plugin/plugin.json:4:1: error: plugin manifest is not valid JSON",
    );
    expect(r.stdout).toContain("broken/empty.md:1:1: error: the file is empty");
    expect(r.stdout).toMatch(/broken\/tolerant\.md:3:\d+: warning: frontmatter is not valid YAML/);
  });

  it("prints one JSON object per file with --json", async () => {
    const r = await run("validate", "--json", "broken", "catalog/release-manager.md");
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.path, x.kind, x.name, x.ok])).toEqual([
      ["broken/.claude-plugin/plugin.json", "plugin", "broken", false],
      ["broken/empty.md", "agent", "empty", false],
      ["broken/tolerant.md", "agent", "careless-writer", true],
      ["catalog/release-manager.md", "agent", "release-manager", true],
    ]);
    expect(rows[2].diagnostics[0]).toMatchObject({ severity: "warning", line: 3 });
    expect(Object.keys(rows[2].diagnostics[0])).toEqual(
      expect.arrayContaining(["severity", "line", "column", "message"]),
    );
  });

  it("reports a missing path as a usage error without a stack trace", async () => {
    const r = await run("validate", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("agentry: nope: no such file or directory");
  });
});

describe("agentry parse", () => {
  it("prints the whole definition as JSON", async () => {
    const r = await run("parse", "catalog/plugins/payments/agents/ledger-keeper.md");
    expect(r.code).toBe(0);
    const def = JSON.parse(r.stdout);
    expect(def.name).toBe("payments-ledger-keeper");
    expect(def.model).toEqual({ raw: "claude-opus-4-1", family: "opus" });
    expect(def.tools.items.map((t: { name: string }) => t.name)).toEqual(["Read", "Grep", "Glob", "Bash"]);
    expect(def.examples[0].user).toBe("Add partial refunds");
    expect(
      def.collaborations.map(
        (c: { kind: string; from: string; to: string }) => `${c.kind}:${c.from}>${c.to}`,
      ),
    ).toEqual([
      "handoff:payments-architect>payments-ledger-keeper",
      "handoff:payments-ledger-keeper>release-manager",
      "peer:payments-ledger-keeper>fraud-analyst",
    ]);
    expect(def.commands.map((c: { name: string }) => c.name)).toEqual(["/payments:reconcile"]);
  });
});

describe.runIf(await postgresAvailable())("agentry import and export", () => {
  it("imports, re-imports unchanged, reports failures with positions, and exports byte for byte", async () => {
    const fresh = await freshPostgresDatabase();
    const out = await mkdtemp(join(tmpdir(), "agentry-export-"));
    try {
      const db = ["--database-url", fresh.url];
      const first = await run("import", "catalog", "--source", "fixtures", ...db);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(
        /source "fixtures": 6 created, 0 updated, 0 unchanged, 0 deleted, 0 failed/,
      );
      const again = await run("import", "catalog", "--source", "fixtures", "--json", ...db);
      expect(JSON.parse(again.stdout).unchanged).toHaveLength(6);

      const broken = await run("import", "broken", "--source", "broken", ...db);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(
        ".claude-plugin/plugin.json:4:1: error: plugin manifest is not valid JSON",
      );
      expect(broken.stderr).toMatch(/1 created, 0 updated, 0 unchanged, 0 deleted, 2 failed/);

      const exported = await run("export", "--source", "fixtures", "--out", out, ...db);
      expect(exported.code).toBe(0);
      for (const f of await findDefinitionFiles([join(FIXTURES, "catalog")])) {
        expect(readFileSync(join(out, f.relativePath), "utf8")).toBe(readFileSync(f.path, "utf8"));
      }
      const missing = await run("export", "--source", "nope", "--out", out, ...db);
      expect([missing.code, missing.stderr.trim()]).toEqual([2, 'agentry: no source named "nope"']);
    } finally {
      await fresh.drop();
      await rm(out, { recursive: true, force: true });
    }
  });

  it("imports with --visibility private in the first transaction, audited; unchanged files still set it", async () => {
    const fresh = await freshPostgresDatabase({ migrated: true });
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const db = ["--database-url", fresh.url];
      const state = async () =>
        (
          await client.query(
            `select s.visibility, (select count(*)::int from audit_events e where e.source = s.name and e.action = 'visibility') as events
               from sources s where s.name = 'fixtures'`,
          )
        ).rows[0];
      // Batches of one file: the visibility goes with the first, before any agent is visible.
      const first = await run(
        "import",
        "catalog",
        "--source",
        "fixtures",
        "--visibility",
        "private",
        "--batch-size",
        "1",
        ...db,
      );
      expect(first.code, first.stderr).toBe(0);
      expect(await state()).toEqual({ visibility: "private", events: 1 });
      const back = await run("import", "catalog", "--source", "fixtures", "--visibility", "public", ...db);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stderr).toMatch(/0 created, 0 updated, 6 unchanged/);
      expect(await state()).toEqual({ visibility: "public", events: 2 });
      const bad = await run("import", "catalog", "--source", "fixtures", "--visibility", "hidden", ...db);
      expect([bad.code, bad.stderr.trim()]).toEqual([
        2,
        'agentry: --visibility must be public or private, not "hidden"',
      ]);
    } finally {
      await client.end();
      await fresh.drop();
    }
  });

  it("names a missing --source as a usage error", async () => {
    const r = await run("import", "catalog");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--source <name>' not specified");
  });
});
