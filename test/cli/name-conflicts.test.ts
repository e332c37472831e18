// `agentry import` of a folder with name conflicts (issue 14 point 3, decision 0018), as a user
// runs it, on PostgreSQL and on the embedded catalog: every file is stored and exported byte
// for byte, each file of a conflict is printed with its `name-conflict` error, and the import
// exits 0, the first time and on an unchanged re-import, since nothing failed to read.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { freshPostgresDatabase, postgresAvailable, servicesRequired } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const run = async (env: Record<string, string>, ...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: FIXTURES,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

const CONFLICT_LINES = [
  'agents/Lantern.md:1:1: error: agent name "lamp-lighter" is also declared by agents/lamp-lighter.md: names must be unique in a source',
  'agents/harbor-pilot-copy.md:1:1: error: agent name "harbor-pilot" is also declared by agents/harbor-pilot.md: names must be unique in a source',
  'agents/harbor-pilot.md:1:1: error: agent name "harbor-pilot" is also declared by agents/harbor-pilot-copy.md: names must be unique in a source',
  'agents/lamp-lighter.md:1:1: error: agent name "lamp-lighter" is also declared by agents/Lantern.md: names must be unique in a source',
  'commands/harbor/moor.md:1:1: error: command name "moor" is also declared by commands/moor.md: names must be unique in a source',
  'commands/moor.md:1:1: error: command name "moor" is also declared by commands/harbor/moor.md: names must be unique in a source',
  'skills/knots-v2/SKILL.md:1:1: error: skill name "knots" is also declared by skills/knots/SKILL.md: names must be unique in a source',
  'skills/knots/SKILL.md:1:1: error: skill name "knots" is also declared by skills/knots-v2/SKILL.md: names must be unique in a source',
];

async function importTwiceAndExport(env: Record<string, string>, db: string[], out: string) {
  const first = await run(env, "import", "name-conflicts", "--source", "port", ...db);
  expect(first.stdout.trim().split("\n")).toEqual(CONFLICT_LINES);
  expect(first.stderr).toMatch(
    /source "port": 9 created, 0 updated, 0 unchanged, 0 deleted, 0 failed, 8 stored in name conflicts \(the first path answers each name\)/,
  );
  expect(first.code).toBe(0);
  // Unchanged: the same errors said again, and still exit 0.
  const again = await run(env, "import", "name-conflicts", "--source", "port", ...db);
  expect(again.stdout.trim().split("\n")).toEqual(CONFLICT_LINES);
  expect(again.stderr).toMatch(
    /0 created, 0 updated, 9 unchanged, 0 deleted, 0 failed, 8 stored in name conflicts/,
  );
  expect(again.code).toBe(0);
  const json = JSON.parse(
    (await run(env, "import", "name-conflicts", "--source", "port", "--json", ...db)).stdout,
  );
  expect(json.failed).toEqual([]);
  expect(json.conflicts.map((c: { path: string }) => c.path)).toHaveLength(8);
  // validate says the same errors of the same folder.
  const validated = await run(env, "validate", "name-conflicts");
  expect(validated.stdout.split("\n").filter((l) => l.includes(": error: "))).toEqual(
    CONFLICT_LINES.map((l) => `name-conflicts/${l}`),
  );
  const exported = await run(env, "export", "--source", "port", "--out", out, ...db);
  expect(exported.code).toBe(0);
  const found = await findDefinitionFiles([join(FIXTURES, "name-conflicts")]);
  expect(found).toHaveLength(9);
  for (const f of found)
    expect(readFileSync(join(out, f.relativePath), "utf8")).toBe(readFileSync(f.path, "utf8"));
}

const withPostgres = (await postgresAvailable()) || servicesRequired();

describe("agentry import of name conflicts", () => {
  it.runIf(withPostgres)("on PostgreSQL", async () => {
    const fresh = await freshPostgresDatabase();
    const out = await mkdtemp(join(tmpdir(), "agentry-conflicts-"));
    try {
      await importTwiceAndExport({}, ["--database-url", fresh.url], out);
    } finally {
      await fresh.drop();
      await rm(out, { recursive: true, force: true });
    }
  });

  it("on the embedded catalog", async () => {
    const home = await mkdtemp(join(tmpdir(), "agentry-conflicts-"));
    try {
      await importTwiceAndExport(
        { AGENTRY_DATA_DIR: join(home, "catalog"), DATABASE_URL: "" },
        [],
        join(home, "out"),
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
