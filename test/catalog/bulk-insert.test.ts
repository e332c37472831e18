// Bulk inserts on every driver: text and jsonb columns come back exactly as written, whichever
// way they travel (binary arrays on PGlite and node-postgres, ./src/catalog/binary-array.ts;
// text literals on Neon), and the binary layout is the one `array_recv` reads.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binaryTextArray } from "../../src/catalog/binary-array.js";
import { bulkInsert, rowsOf, takesBinaryParameters } from "../../src/catalog/bulk.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

/** Everything a text array literal has to escape, and what UTF-8 makes longer than UTF-16. */
const AWKWARD = [
  "",
  "plain",
  'quote " and backslash \\ and braces {a,b} and comma ,',
  "NULL",
  "line\nbreak\r\nand\ttab",
  "é, ß, 中文, emoji 😀 and a rocket 🚀 (outside the BMP)",
  "   leading and trailing spaces   ",
  "x".repeat(70_000),
];

describe("binaryTextArray", () => {
  it("writes array_send's layout: one dimension, a null flag, OID 25, lengths before UTF-8", () => {
    const bytes = binaryTextArray(["a", null, "é"]);
    expect([...bytes]).toEqual([
      ...[0, 0, 0, 1], // ndim
      ...[0, 0, 0, 1], // has nulls
      ...[0, 0, 0, 25], // text
      ...[0, 0, 0, 3], // length of the dimension
      ...[0, 0, 0, 1], // lower bound
      ...[0, 0, 0, 1, 0x61],
      ...[0xff, 0xff, 0xff, 0xff], // null
      ...[0, 0, 0, 2, 0xc3, 0xa9],
    ]);
    expect([...binaryTextArray(["😀"]).subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect([...binaryTextArray(["😀"]).subarray(20)]).toEqual([0, 0, 0, 4, 0xf0, 0x9f, 0x98, 0x80]);
  });
});

describe.each(await driverCases())("bulkInsert on $driver", ({ driver, open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await t.database.db.execute(
      sql.raw("create table bulk_probe (n integer, body text, extra jsonb, note text)"),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it("stores every awkward text and jsonb value exactly, nulls as nulls", async () => {
    const rows = AWKWARD.map((body, n) => ({
      n,
      body,
      extra: { body, list: [body, n] },
      note: n % 3 === 0 ? null : body,
    }));
    const binary = await t.database.transaction(async (tx) => {
      await bulkInsert(tx, "bulk_probe", { n: "integer", body: "text", extra: "jsonb", note: "text" }, rows);
      return takesBinaryParameters(tx);
    });
    // The drivers that send a Uint8Array as binary take that path; Neon stays on text.
    expect(binary).toBe(driver === "pglite" || driver === "pg");
    const stored = rowsOf<{ n: number; body: string; extra: unknown; note: string | null }>(
      await t.database.db.execute(sql.raw("select n, body, extra, note from bulk_probe order by n")),
    );
    expect(
      stored.map((r) => ({ ...r, extra: typeof r.extra === "string" ? JSON.parse(r.extra) : r.extra })),
    ).toEqual(rows);
    const lengths = rowsOf<{ n: number; chars: number }>(
      await t.database.db.execute(sql.raw("select n, length(body) as chars from bulk_probe order by n")),
    );
    // Counted by Postgres in code points: the astral characters arrived whole, not as halves.
    expect(lengths.map((r) => Number(r.chars))).toEqual(AWKWARD.map((s) => [...s].length));
  });
});
