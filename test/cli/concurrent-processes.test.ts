// Two `agentry import` processes on one PostgreSQL database at once, as two terminals or two
// CI jobs would run them: the same source from both, and two sources adding the same new tools
// in opposite orders. Each must exit 0, and the catalog must hold each agent once.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const AGENTS = 60;
const TOOLS = Array.from({ length: 25 }, (_, i) => `mcp__duo__tool_${String(i).padStart(2, "0")}`);

async function writeTeam(dir: string, prefix: string, tools: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < AGENTS; i++) {
    await writeFile(
      join(dir, `${prefix}-${i}.md`),
      `---\nname: ${prefix}-${i}\ndescription: Part ${i} of the ${prefix} crew.\ntools: ${tools.join(", ")}\n---\n\nBody ${i}.\n`,
    );
  }
}

async function importProcess(url: string, dir: string, source: string) {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [
      BIN,
      "import",
      dir,
      "--source",
      source,
      "--batch-size",
      "6",
      "--database-url",
      url,
    ]);
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

const up = await postgresAvailable();

describe.runIf(up)("two import processes on one database", () => {
  let home = "";
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "agentry-duo-"));
    await writeTeam(join(home, "same"), "same", ["Read", "Grep"]);
    await writeTeam(join(home, "east"), "east", TOOLS);
    await writeTeam(join(home, "west"), "west", [...TOOLS].reverse());
    db = await freshPostgresDatabase();
    // Tables first, so that the two processes race on the import, not on migrations.
    const migrated = await promisify(execFile)(process.execPath, [BIN, "migrate", "--database-url", db.url]);
    expect(migrated.stderr).toContain("up to date");
  });
  afterAll(async () => {
    await db?.drop();
    await rm(home, { recursive: true, force: true });
  });

  async function count(sql: string): Promise<number> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return Number((await client.query(sql)).rows[0].n);
    } finally {
      await client.end();
    }
  }

  it("imports one source from two processes once", async () => {
    const [a, b] = await Promise.all([
      importProcess(db.url, join(home, "same"), "crew"),
      importProcess(db.url, join(home, "same"), "crew"),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const created = [a, b].map((r) => Number(/(\d+) created/.exec(r.stderr)![1]));
    expect(created.sort()).toEqual([0, AGENTS]);
    expect(await count("select count(*) as n from agents where name like 'same-%'")).toBe(AGENTS);
    expect(await count("select count(*) as n from revisions")).toBe(AGENTS);
  });

  it("imports two sources adding the same new tools in opposite orders", async () => {
    const [a, b] = await Promise.all([
      importProcess(db.url, join(home, "east"), "east"),
      importProcess(db.url, join(home, "west"), "west"),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(await count("select count(*) as n from tools where name like 'mcp__duo__%'")).toBe(TOOLS.length);
    expect(await count("select count(*) as n from agent_tools")).toBe(2 * AGENTS * TOOLS.length + 2 * AGENTS);
  });
});
