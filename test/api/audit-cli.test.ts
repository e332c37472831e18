// `agentry audit` as a user runs it (issue 16 point 5, decision 0024): bin/agentry.js in a child
// process on a PostgreSQL catalog that two publishes over the API wrote to; newest first, one
// line per event, --source, --limit with the next page on stderr, --json, usage errors.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf } from "../../src/catalog/audit.js";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import { publishFiles } from "../../src/catalog/publish.js";
import { readDatabaseConfig } from "../../src/config.js";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const up = await postgresAvailable();

async function audit(url: string, ...args: string[]) {
  const env = { ...process.env, DATABASE_URL: url };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, "audit", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe.runIf(up)("agentry audit", () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: Database;
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    database = await openDatabase(readDatabaseConfig({ DATABASE_URL: fresh.url }));
    await database.migrate();
    const who = {
      actor: actorOf({ kind: "key", id: "00112233445566ff", name: "ci", scopes: ["admin"], source: null }),
      requestId: "req-1",
    };
    const file = (name: string) => ({
      path: `agents/${name}.md`,
      content: `---\nname: ${name}\ndescription: The ${name} agent.\n---\nBody.\n`,
    });
    await publishFiles(database, { source: "alpha", files: [file("a"), file("b")] }, who);
    await publishFiles(database, { source: "beta", files: [file("c")] }, { ...who, requestId: "req-2" });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it("prints the events newest first, one a line, and filters by source", async () => {
    const all = await audit(fresh.url);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^ID\s+AT\s+ACTOR\s+ACTION\s+SOURCE\s+TARGET\s+FILES\s+COUNTS\s+GENERATION\s+REQUEST$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      [
        "2",
        expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
        "key:ci",
        "publish",
        "beta",
        "-",
        "1",
        "created=1",
        "1",
        "req-2",
      ],
      ["1", expect.stringMatching(/Z$/), "key:ci", "publish", "alpha", "-", "2", "created=2", "1", "req-1"],
    ]);
    const alpha = await audit(fresh.url, "--source", "alpha", "--json");
    expect(
      alpha.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        id: 1,
        at: expect.any(String),
        actorKind: "key",
        actorName: "ci",
        actorId: "00112233445566ff",
        action: "publish",
        source: "alpha",
        pathCount: 2,
        paths: ["agents/a.md", "agents/b.md"],
        counts: { created: 2, updated: 0, unchanged: 0, deleted: 0, failed: 0, conflicts: 0 },
        generation: 1,
        requestId: "req-1",
        target: null,
      },
    ]);
  });

  it("pages with --limit and --before, and refuses bad flags as usage errors", async () => {
    const first = await audit(fresh.url, "--limit", "1");
    expect(first.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(first.stderr).toBe("agentry: more events follow: --before 2\n");
    const next = await audit(fresh.url, "--limit", "1", "--before", "2");
    expect(next.stdout).toContain("alpha");
    expect(next.stderr).toBe("");
    expect(await audit(fresh.url, "--limit", "0")).toEqual({
      code: 2,
      stdout: "",
      stderr: 'agentry: --limit must be a whole number from 1 to 10000, not "0"\n',
    });
    expect((await audit(fresh.url, "--source", "../x")).code).toBe(2);
    const none = await audit(fresh.url, "--source", "gamma");
    expect(none).toEqual({ code: 0, stdout: "", stderr: "agentry: no audit events for source gamma\n" });
  });
});
