// Agent.diagnostics comes from what the import stored, not from parsing the file per request
// (a file of 30,000 nested `[` aborted the server when every request parsed it): the stored
// list equals a fresh parse, the answer is the row's list, and a row from before migration
// 0005 (no stored list) is still answered.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import { importFiles } from "../../src/catalog/import.js";
import { parseDefinition } from "../../src/definitions/index.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const FILE = `---
name: noisy-agent
description: Use it when: the build breaks: twice
tools: Read
---
Body.
`;

const QUERY = `{ agent(ref: "s/noisy-agent") { ... on Agent { diagnostics { severity line column message code } } } }`;

type Answer = { agent: { diagnostics: { message: string }[] } };

describe.each(await driverCases())("stored diagnostics on $driver", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await importFiles(t.database, [{ path: "agents/noisy-agent.md", text: FILE }], { source: "s" });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("answers the list the import stored, equal to a fresh parse", async () => {
    const parsed = parseDefinition(FILE, { path: "agents/noisy-agent.md", kind: "agent" }).diagnostics;
    const expected = parsed.map((d) => ({
      severity: d.severity.toUpperCase(),
      line: d.line,
      column: d.column,
      message: d.message,
      code: d.code,
    }));
    expect(expected.length).toBeGreaterThan(0);
    const r = await gql<Answer>(testApp(t.database), QUERY);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.agent.diagnostics).toEqual(expected);
  });

  it("reads the stored list, not the file", async () => {
    const [row] = rowsOf<{ diagnostics: unknown }>(
      await t.database.db.execute(sql`select diagnostics from agents`),
    );
    const marker = [{ severity: "info", line: 1, column: 1, message: "from the row", code: "stored" }];
    await t.database.db.execute(sql`update agents set diagnostics = ${JSON.stringify(marker)}::jsonb`);
    const r = await gql<Answer>(testApp(t.database), QUERY);
    expect(r.body.data!.agent.diagnostics.map((d) => d.message)).toEqual(["from the row"]);
    const stored = typeof row!.diagnostics === "string" ? row!.diagnostics : JSON.stringify(row!.diagnostics);
    await t.database.db.execute(sql`update agents set diagnostics = ${stored}::jsonb`);
  });

  it("still answers a row stored before migration 0005, from its file", async () => {
    const before = await gql<Answer>(testApp(t.database), QUERY);
    await t.database.db.execute(sql`update agents set diagnostics = null`);
    const after = await gql<Answer>(testApp(t.database), QUERY);
    expect(after.body.data).toEqual(before.body.data);
    expect(after.body.data!.agent.diagnostics.length).toBeGreaterThan(0);
  });
});
