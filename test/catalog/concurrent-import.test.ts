// Imports that never deadlock. Round 1: two imports of one source deadlocked in 1 of 1 runs
// (the search-vector catch-up ran outside the source's lock), two sources adding the same new
// tools in opposite orders in 1 of 3 (the shared `tools` upsert locked rows in file order),
// and the CLI printed the raw SQL. Here: ten concurrent pairs of each, from two connections
// pools as two processes would, with exact counts afterwards.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { retryTransient } from "../../src/catalog/retry.js";
import { driverCases } from "../support/databases.js";

const PAIRS = 10;
const AGENTS = 40;

/** Agents that each list `tools` (in that order) and hand off to the next agent. */
function team(prefix: string, tools: readonly string[]) {
  return Array.from({ length: AGENTS }, (_, i) => ({
    path: `agents/${prefix}-${i}.md`,
    text:
      `---\nname: ${prefix}-${i}\ndescription: Member ${i} of ${prefix}, keeps the marram ledger.\n` +
      `tools: ${tools.join(", ")}\n---\n\nKeeps part ${i}.\n\n## Cross-Agent Collaboration\n\n` +
      `### Downstream Deliverables (Provides Output To)\n\n- **${prefix}-${(i + 1) % AGENTS}** ← part ${i}\n`,
  }));
}

async function count(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.db.execute(query))[0]!.n);
}

const cases = (await driverCases()).filter((c) => c.driver === "pg" || c.driver === "neon-ws");

describe.each(cases)("concurrent imports on $driver", ({ open }) => {
  it(`runs ${PAIRS} pairs of imports of one source at once: no failure, nothing twice`, async () => {
    const { database, reopen, cleanup } = await open();
    try {
      const other = await reopen();
      const tools = ["Read", "Grep", "Bash"];
      const reports = await Promise.all(
        Array.from({ length: PAIRS }, (_, k) => {
          const files = team(`same${k}`, tools);
          return Promise.all([
            importFiles(database, files, { source: `same-${k}`, batchSize: 7 }),
            importFiles(other, files, { source: `same-${k}`, batchSize: 7 }),
          ]);
        }),
      );
      for (const [a, b] of reports) {
        expect([...a!.failed, ...b!.failed]).toEqual([]);
        expect(a!.created.length + b!.created.length).toBe(AGENTS);
        expect(a!.unchanged.length + b!.unchanged.length).toBe(AGENTS);
      }
      expect(await count(database, sql`select count(*) as n from agents`)).toBe(PAIRS * AGENTS);
      expect(await count(database, sql`select count(*) as n from revisions`)).toBe(PAIRS * AGENTS);
      expect(await count(database, sql`select count(*) as n from agent_search`)).toBe(PAIRS * AGENTS);
      expect(
        await count(database, sql`select count(*) as n from collaborations where to_agent_id is null`),
      ).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it(`runs ${PAIRS} pairs of sources adding the same new tools in opposite orders`, async () => {
    const { database, reopen, cleanup } = await open();
    try {
      const other = await reopen();
      const reports = await Promise.all(
        Array.from({ length: PAIRS }, (_, k) => {
          const tools = Array.from(
            { length: 30 },
            (_, i) => `mcp__pair${k}__tool_${String(i).padStart(2, "0")}`,
          );
          return Promise.all([
            importFiles(database, team(`east${k}`, tools), { source: `east-${k}`, batchSize: 5 }),
            importFiles(other, team(`west${k}`, [...tools].reverse()), { source: `west-${k}`, batchSize: 5 }),
          ]);
        }),
      );
      for (const [a, b] of reports) {
        expect([...a!.failed, ...b!.failed]).toEqual([]);
        expect([a!.created.length, b!.created.length]).toEqual([AGENTS, AGENTS]);
      }
      expect(await count(database, sql`select count(*) as n from tools where name like 'mcp__pair%'`)).toBe(
        PAIRS * 30,
      );
      expect(await count(database, sql`select count(*) as n from agent_tools`)).toBe(2 * PAIRS * AGENTS * 30);
      expect(await count(database, sql`select count(*) as n from agents`)).toBe(2 * PAIRS * AGENTS);
    } finally {
      await cleanup();
    }
  });
});

describe.each(cases)("shared rows on $driver", ({ open }) => {
  it("reads the tools it finds instead of locking them: an import goes through while another holds one", async () => {
    const { database, url, cleanup } = await open();
    const pg = (await import("pg")).default;
    const holder = new pg.Client({ connectionString: url! });
    try {
      const tools = ["Read", "mcp__shared__alpha", "mcp__shared__omega"];
      await importFiles(database, team("first", tools), { source: "first" });
      // Another transaction holds a tool row for an update of its non-key columns. The import
      // only needs the key-share lock its foreign keys take, which that lock allows; round 1's
      // upsert (`do update set name`) locked every tool row it met for update, and waited here.
      await holder.connect();
      await holder.query("begin");
      await holder.query("select id from tools where name = 'mcp__shared__omega' for no key update");
      const report = await importFiles(database, team("second", [...tools].reverse()), { source: "second" });
      expect(report.created).toHaveLength(AGENTS);
      await holder.query("rollback");
    } finally {
      await holder.end().catch(() => {});
      await cleanup();
    }
  });
});

describe("retrying transient transaction failures", () => {
  it("runs a transaction again after a deadlock or a serialization failure, and no other", async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
      // As drizzle wraps it: the driver's error is the cause.
      if (calls === 2)
        throw new Error("Failed query", { cause: Object.assign(new Error("x"), { code: "40001" }) });
      return "done";
    });
    expect([result, calls]).toEqual(["done", 3]);
    let other = 0;
    await expect(
      retryTransient(async () => {
        other++;
        throw Object.assign(new Error("duplicate key"), { code: "23505" });
      }),
    ).rejects.toThrow("duplicate key");
    expect(other).toBe(1);
    let always = 0;
    await expect(
      retryTransient(async () => {
        always++;
        throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
      }, 3),
    ).rejects.toThrow("deadlock detected");
    expect(always).toBe(3);
  });
});
