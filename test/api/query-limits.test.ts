// The query budget's arithmetic (costs that follow the arguments, fragments measured once),
// the caps on string arguments, and the request deadline, each through the app on real
// databases, counting SQL statements.
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { importFiles } from "../../src/catalog/import.js";
import { COST } from "../../src/graphql/costs.js";
import { LIMITS } from "../../src/graphql/limits.js";
import { measure, selectOperation } from "../../src/graphql/query-budget.js";
import { schema } from "../../src/graphql/schema.js";
import { type App, createApp } from "../../src/server/app.js";
import { jitPlugin } from "../../src/server/jit.js";
import { captureLogger, gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

function tally(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return measure(schema, document, selectOperation(document, null)!, variables);
}

describe("the cost of an operation", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
  const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Agent { name markdown } } }`;

  it("costs nodes(ids:) by the number of ids, as variables or literals", () => {
    const one = tally(NODES, { ids: ids(1) }).cost;
    expect(one).toBe(1 + 1 + COST.markdown);
    expect(tally(NODES, { ids: ids(100) }).cost).toBe(1 + 100 * (1 + COST.markdown));
    expect(tally(`{ nodes(ids: ${JSON.stringify(ids(40))}) { id } }`).cost).toBe(1 + 40);
    // A single id where a list is expected is a list of one, as graphql coerces it.
    expect(tally(NODES, { ids: "id-0" }).cost).toBe(one);
  });

  it("costs agentGraph by its node budget and depth", () => {
    const graph = (depth: number) =>
      tally(
        `{ agentGraph(roots: ["a/b"], depth: ${depth}) { ... on AgentGraph { nodes { agent { markdown } } } } }`,
      ).cost;
    expect(graph(0)).toBeLessThan(graph(1));
    expect(graph(1)).toBeLessThan(graph(2));
    expect(graph(4)).toBe(graph(3));
    expect(graph(4)).toBeGreaterThanOrEqual(LIMITS.graphNodeBudget * COST.markdown);
  });

  it("costs a search as a search, and a connection by its first", () => {
    const page = (args: string) => tally(`{ agents(${args}) { nodes { name } } }`).cost;
    expect(page(`first: 10`)).toBe(COST.agentsPage + 10);
    expect(page(`first: 10, filter: { text: "design" }`)).toBe(
      COST.agentsSearch + 10 * COST.agentsSearchRow + 10,
    );
    expect(
      tally(`query ($f: AgentFilter) { agents(filter: $f) { nodes { name } } }`, { f: { text: "x" } }).cost,
    ).toBe(COST.agentsSearch + 20 * COST.agentsSearchRow + 20);
    expect(page(`first: 100, filter: { text: "design" }`)).toBeGreaterThan(LIMITS.maxCost);
    expect(page(`first: 90, filter: { text: "design" }`)).toBeLessThanOrEqual(LIMITS.maxCost);
  });

  it("leaves arguments of the wrong type to graphql-js", () => {
    // A variable graphql-js refuses before anything runs: costed as if absent.
    expect(tally(`query ($n: Int) { sources(first: $n) { totalCount } }`, { n: "many" }).cost).toBe(2);
  });

  it("measures each fragment once and counts it at every spread", () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment C${i} on Collaboration { ...C${i + 1} ...C${i + 1} }`,
    ).join("\n");
    const t = tally(`{ agent(ref: "a/b") { ... on Agent { collaborators { ...C0 } } } }
      ${fragments}
      fragment C${levels} on Collaboration { kind }`);
    // 2^40 leaves, counted without expanding them.
    expect(t.fields).toBeGreaterThan(2 ** 40);
    expect(t.spreads).toBeGreaterThan(2 ** 40);
  });
});

describe.each(cases)("string arguments and the deadline on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    const report = await importFiles(t.database, syntheticCatalog({ agents: 20, pluginSize: 10 }), {
      source: "syn",
    });
    expect(report.failed).toEqual([]);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function refusal(query: string, variables: Record<string, unknown> = {}) {
    const before = t.database.statements;
    const r = await gql<any>(app, query, variables);
    expect(t.database.statements - before).toBe(0);
    expect(r.status).toBe(400);
    return r.body.errors?.[0];
  }

  it("refuses a NUL byte in any string argument, naming its path", async () => {
    const literal = await refusal(`{ agent(ref: "syn/a\\u0000b") { __typename } }`);
    expect(literal?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "agent",
      issues: [{ path: "ref", message: "must not contain a NUL character (U+0000)" }],
    });
    const variable = await refusal(`query ($f: AgentFilter) { found: agents(filter: $f) { totalCount } }`, {
      f: { text: "design\u0000" },
    });
    expect(variable?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "found",
      issues: [{ path: "filter.text" }],
    });
    const listed = await refusal(`query ($r: [String!]!) { agentGraph(roots: $r) { __typename } }`, {
      r: ["syn/api-architect-0", "syn/\u0000"],
    });
    expect(listed?.extensions?.issues).toEqual([
      { path: "roots.1", message: "must not contain a NUL character (U+0000)" },
    ]);
    const entity = await refusal(`query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, {
      r: [{ __typename: "Agent", ref: "syn/\u0000" }],
    });
    expect(entity?.extensions?.issues).toEqual([
      { path: "representations.0.ref", message: "must not contain a NUL character (U+0000)" },
    ]);
  });

  it("refuses over-long names and filters, naming their path", async () => {
    const name = await refusal(`query ($ref: String!) { agent(ref: $ref) { __typename } }`, {
      ref: `syn/${"a".repeat(100_000)}`,
    });
    expect(name?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [{ path: "ref", message: `at most ${LIMITS.stringChars.default} characters` }],
    });
    const source = await refusal(`{ agents(filter: { source: "${"s".repeat(129)}" }) { totalCount } }`);
    expect(source?.extensions?.issues).toEqual([
      { path: "filter.source", message: "at most 128 characters" },
    ]);
    const text = await refusal(`query ($t: String) { agents(filter: { text: $t }) { totalCount } }`, {
      t: "x".repeat(LIMITS.stringChars.text + 1),
    });
    expect(text?.extensions?.issues).toEqual([{ path: "filter.text", message: "at most 200 characters" }]);
    // At the limits: accepted.
    const ok = await gql<any>(app, `{ agents(filter: { source: "${"s".repeat(128)}" }) { totalCount } }`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.agents.totalCount).toBe(0);
  });

  it("refuses nodes(ids:) whose ids make it too costly, before reading any", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `QWdlbnQ6${i}`);
    const heavy = "markdown diagnostics { code } sections { markdown text } diff { __typename }";
    const error = await refusal(
      `query ($ids: [ID!]!) { a: nodes(ids: $ids) { ... on Agent { ${heavy} } } b: nodes(ids: $ids) { ... on Agent { ${heavy} } } }`,
      { ids },
    );
    expect(error?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "complexity" });
    // The same with 10 ids is allowed.
    const few = await gql<any>(
      app,
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Agent { ${heavy} } } }`,
      {
        ids: ids.slice(0, 10),
      },
    );
    expect(few.body.errors).toBeUndefined();
  });

  /** The database, with each statement's start recorded and the first one held back. */
  function slowFirstStatement(holdMs: number) {
    const starts: number[] = [];
    let firstDone = Number.POSITIVE_INFINITY;
    const db = new Proxy(t.database.db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== "execute" || typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          starts.push(performance.now());
          if (starts.length === 1) {
            await new Promise((r) => setTimeout(r, holdMs));
            const result = await value.apply(target, args);
            firstDone = performance.now();
            return result;
          }
          return value.apply(target, args);
        };
      },
    });
    return {
      database: { ...t.database, db },
      startedAfterFirst: () => starts.filter((s) => s >= firstDone).length,
    };
  }

  const PAGE = `{ agents(first: 5) { nodes { name markdown tools { name } collaborators { kind } } } }`;
  const post = (signal?: AbortSignal) =>
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: PAGE }),
      ...(signal ? { signal } : {}),
    });

  it("stops work when the time budget is spent: REQUEST_TIMEOUT, and no statement after", async () => {
    const slow = slowFirstStatement(60);
    const logger = captureLogger();
    const timed = createApp({
      database: slow.database,
      logger,
      plugins: [jitPlugin()],
      requestTimeoutMs: 20,
    });
    const response = await timed.fetch(post());
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
    };
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const e of body.errors ?? [])
      expect(e.extensions).toMatchObject({ code: "REQUEST_TIMEOUT", reason: "timeout" });
    expect(body.errors?.[0]?.message).not.toBe("Unexpected error.");
    expect(slow.startedAfterFirst()).toBe(0);
    expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("stops work when the client goes away: no statement after", async () => {
    const slow = slowFirstStatement(60);
    const controller = new AbortController();
    const gone = createApp({ database: slow.database, logger: captureLogger(), plugins: [jitPlugin()] });
    setTimeout(() => controller.abort(), 20);
    await gone.fetch(post(controller.signal)).catch(() => null);
    // Whatever the (unread) answer, nothing more was sent to the database.
    await new Promise((r) => setTimeout(r, 100));
    expect(slow.startedAfterFirst()).toBe(0);
  });
});
