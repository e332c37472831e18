// The examples users are shown are right: every ```graphql block of README.md and GraphiQL's
// example operations (src/server/example-operations.ts) validate against the printed schema
// (schema/schema.graphql), and each operation runs on the example catalog (examples/, loaded
// as the server loads it) with no errors and data where the example shows data. README.md's
// first example selected fields on the `diff` union without a fragment, which no server accepts.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/catalog/database.js";
import type { App } from "../../src/server/app.js";
import { EXAMPLE_OPERATIONS } from "../../src/server/example-operations.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, testApp } from "../support/app.js";
import { check, type Example, graphqlBlocks, missingData } from "./graphql-examples.js";

const ROOT = resolve(import.meta.dirname, "../..");
const printed = buildSchema(readFileSync(resolve(ROOT, "schema/schema.graphql"), "utf8"));
const examples: Example[] = [
  ...graphqlBlocks(readFileSync(resolve(ROOT, "README.md"), "utf8"), "README.md"),
  { where: "src/server/example-operations.ts", text: EXAMPLE_OPERATIONS },
];
const checked = examples.map((example) => ({ example, result: check(example, printed) }));
const operations = checked.flatMap(({ example, result }) =>
  result.kind === "operations" && result.problems.length === 0
    ? result.operations.map((name) => ({ where: example.where, text: example.text, name }))
    : [],
);

describe("the checks themselves", () => {
  it("finds README.md's examples and GraphiQL's, with operations to run", () => {
    expect(examples.filter((e) => e.where.startsWith("README.md")).length).toBeGreaterThanOrEqual(2);
    expect(
      operations.filter((o) => o.where === "src/server/example-operations.ts").length,
    ).toBeGreaterThanOrEqual(5);
    expect(operations.filter((o) => o.where.startsWith("README.md")).length).toBeGreaterThanOrEqual(5);
  });

  it("refuses the example README.md used to show, and other broken ones", () => {
    const problems = (text: string) => check({ where: "t", text }, printed).problems;
    expect(problems('{ agent(ref: "a/b") { ... on Agent { diff { toolsAdded { name } } } } }')).toEqual([
      'line 1: Cannot query field "toolsAdded" on type "AgentDiffResult". Did you mean to use an inline fragment on "AgentRevisionDiff"?',
    ]);
    expect(problems("{ sources { totalCount } }\n{ tools { totalCount } }")).toHaveLength(2);
    expect(problems("{ agents(first: 1) { nodes { nope } } }")).toHaveLength(1);
    expect(problems("{ agents(")).toHaveLength(1);
    expect(problems('type Agent @key(fields: "slug") { slug: String! }')).toEqual([
      "@key field Agent.slug is not a field of this API",
    ]);
  });

  it("tells an answer with data from one without", () => {
    expect(missingData({ agents: { totalCount: 0, nodes: [] } })).toEqual(["agents.nodes is empty"]);
    expect(missingData({ agent: { message: "no agent" } })).toEqual(["agent answered an error: no agent"]);
    expect(missingData({ collaborationPath: null })).toEqual(["collaborationPath is null"]);
    expect(missingData({ agent: { ref: "a/b", tools: [{ name: "Read" }] } })).toEqual([]);
  });
});

describe.each(checked)("$example.where", ({ result }) => {
  it("validates against schema/schema.graphql", () => {
    expect(result.problems).toEqual([]);
  });
});

describe("on the example catalog", () => {
  let app: App;
  let close: () => Promise<void>;
  const logger = captureLogger();
  beforeAll(async () => {
    const database = await openDatabase({
      driver: "pglite",
      url: null,
      dataDir: null,
      neon: { wsProxy: null, httpEndpoint: null, insecure: false },
    });
    await database.migrate();
    expect((await loadExamplesIfEmpty(database))?.files).toBeGreaterThan(10);
    app = testApp(database, logger);
    close = () => database.close();
  });
  afterAll(async () => {
    await close?.();
  });

  it.each(operations)("$where: $name answers data without errors", async ({ text, name }) => {
    const response = await app.fetch(
      new Request("http://agentry.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({ query: text, ...(name ? { operationName: name } : {}) }),
      }),
    );
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(missingData(body.data)).toEqual([]);
    expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
  });
});
