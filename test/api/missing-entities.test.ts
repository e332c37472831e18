// A gateway's entity lookup for a ref that names no live agent (deleted, or never imported)
// answers a placeholder, not null: null would empty another team's `[Agent!]!` list and climb
// to the nearest nullable field above it (docs/decisions/0020). Every field of Agent, and of
// every type below it, must resolve on a placeholder without an error, or the error's null
// would climb the same way. `agent(ref:)` and `node(id:)` still say the agent is not there.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFiles } from "../../src/catalog/import.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import type { App } from "../../src/server/app.js";
import { EXAMPLES_DIR, loadExamplesIfEmpty } from "../../src/server/examples.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { servedSchema, walkFields } from "./schema-walk.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");
const fields = walkFields(await servedSchema(), "Agent");
const LIVE = "acme-platform/api-designer";
const NEVER = "acme-platform/no-such-agent";
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Agent { ref name placeholder revision createdAt source { name agentCount } tools { name } collaborators { kind } } } }`;

describe.each(cases)("entities that no longer exist, on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    await loadExamplesIfEmpty(t.database);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("answers a placeholder for an unknown ref, between live agents, in one batch", async () => {
    const r = await gql<any>(app, ENTITIES, {
      r: [
        { __typename: "Agent", ref: LIVE },
        { __typename: "Agent", ref: NEVER },
        { __typename: "Agent", ref: "acme-platform/docs-writer" },
      ],
    });
    expect(r.body.errors).toBeUndefined();
    const [live, missing, other] = r.body.data._entities;
    expect(live).toMatchObject({ ref: LIVE, placeholder: false });
    expect(live.tools.length).toBeGreaterThan(0);
    expect(other).toMatchObject({ ref: "acme-platform/docs-writer", placeholder: false });
    expect(missing).toEqual({
      ref: NEVER,
      name: "no-such-agent",
      placeholder: true,
      revision: 0,
      createdAt: "1970-01-01T00:00:00.000Z",
      source: { name: "acme-platform", agentCount: 0 },
      tools: [],
      collaborators: [],
    });
  });

  it.each(fields)("resolves $name on a placeholder without an error", async ({ selection }) => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Agent { ${selection} } } }`;
    const r = await gql<any>(app, query, { r: [{ __typename: "Agent", ref: NEVER }] });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data._entities[0]).not.toBeNull();
  });

  it("answers a placeholder for an agent deleted since the gateway stored its ref", async () => {
    const ref = "acme-platform/qa-engineer";
    // Deleted as a user deletes one: its file is gone from the folder, imported with prune.
    const found = await findDefinitionFiles([join(EXAMPLES_DIR, "acme-platform")]);
    const kept = found.filter((f) => !f.relativePath.endsWith("qa-engineer.md"));
    expect(kept).toHaveLength(found.length - 1);
    const report = await importFiles(
      t.database,
      kept.map((f) => ({ path: f.relativePath, kind: f.kind, text: readFileSync(f.path, "utf8") })),
      { source: "acme-platform", prune: true },
    );
    expect(report.deleted).toHaveLength(1);
    const r = await gql<any>(app, ENTITIES, { r: [{ __typename: "Agent", ref }] });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data._entities[0]).toMatchObject({ ref, placeholder: true, tools: [] });
  });

  it("keeps answering not found outside `_entities`", async () => {
    const r = await gql<any>(
      app,
      `{ agent(ref: "${NEVER}") { __typename } _entities(representations: [{ __typename: "AgentrySource", name: "nowhere" }]) { ... on AgentrySource { name agentCount } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.agent.__typename).toBe("AgentryNotFoundError");
    // A source is an entity too: an unknown name answers an empty stand-in.
    expect(r.body.data._entities).toEqual([{ name: "nowhere", agentCount: 0 }]);
  });
});
