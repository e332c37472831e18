// The statement rule, for every field: a page of 50 agents costs the same number of SQL
// statements as a page of 5, whatever single field it selects, on Agent and on every type
// reachable from it (walked from the built schema, so a field added later is held to it
// without being listed here). The same through `_entities`, where a gateway sends a whole
// batch of references. Before dataloaders for them, `markdown`, `diagnostics` and `diff` cost
// one statement per agent: 101 for a page of 100.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { importFiles } from "../../src/catalog/import.js";
import type { App } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { servedSchema, walkFields } from "./schema-walk.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");
const fields = walkFields(await servedSchema(), "Agent");

const SMALL = 5;
const LARGE = 50;

it("walks every field of Agent and of the types below it", () => {
  const names = fields.map((f) => f.name);
  // The fields that used to cost a statement per agent, and types several hops down.
  expect(names).toEqual(
    expect.arrayContaining([
      "Agent.markdown",
      "Agent.diagnostics",
      "Agent.diff",
      "Collaboration.statedBy",
      "UnresolvedAgent.candidates",
      "AgentRevisionDiff.toolsAdded",
      "AgentDiffEdge.summary",
      "AgentryInvalidInputError.issues",
      "AgentrySource.agentCount",
    ]),
  );
  expect(new Set(names.map((n) => n.split(".")[0])).size).toBeGreaterThanOrEqual(20);
});

describe.each(cases)("every field costs the same for 5 agents as for 50 on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  let refs: string[];
  beforeAll(async () => {
    t = await open();
    const files = syntheticCatalog({ agents: 120, pluginSize: 20 });
    expect((await importFiles(t.database, files, { source: "syn" })).failed).toEqual([]);
    // A second revision of every file, so that `diff` compares two texts.
    const revised = files.map((f) => ({ ...f, text: `${f.text}\nRevised once.\n` }));
    expect((await importFiles(t.database, revised, { source: "syn" })).updated).toHaveLength(120);
    app = testApp(t.database);
    const r = await gql<any>(app, `{ agents(first: ${LARGE}) { nodes { ref } } }`);
    refs = r.body.data.agents.nodes.map((n: { ref: string }) => n.ref);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function cost(query: string, variables: Record<string, unknown>, rows: (data: any) => unknown[]) {
    const before = t.database.statements;
    const r = await gql<any>(app, query, variables);
    expect(r.body.errors).toBeUndefined();
    return { statements: t.database.statements - before, rows: rows(r.body.data).length };
  }

  it.each(fields)("$name in a page of agents", async ({ selection }) => {
    const query = `query ($first: Int!) { agents(first: $first) { nodes { ${selection} } } }`;
    const rows = (data: any) => data.agents.nodes;
    const small = await cost(query, { first: SMALL }, rows);
    const large = await cost(query, { first: LARGE }, rows);
    expect([small.rows, large.rows]).toEqual([SMALL, LARGE]);
    expect(large.statements).toBe(small.statements);
  });

  it.each(fields)("$name in a batch of _entities", async ({ selection }) => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Agent { ${selection} } } }`;
    const reps = (n: number) => refs.slice(0, n).map((ref) => ({ __typename: "Agent", ref }));
    const rows = (data: any) => data._entities.filter(Boolean);
    const small = await cost(query, { r: reps(SMALL) }, rows);
    const large = await cost(query, { r: reps(LARGE) }, rows);
    expect([small.rows, large.rows]).toEqual([SMALL, LARGE]);
    expect(large.statements).toBe(small.statements);
  });
});
