// Documents built to make the server work for nothing are refused before any work: no SQL
// statement, and graphql-jit never compiles them (its compile of 24 levels of nested fragment
// spreads took 18–21 s). Counted, not timed.
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { importFiles } from "../../src/catalog/import.js";
import { LIMITS } from "../../src/graphql/limits.js";
import type { App } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const jit = vi.hoisted(() => ({ compiled: 0 }));
vi.mock("graphql-jit", async (importOriginal) => {
  const actual = await importOriginal<typeof import("graphql-jit")>();
  return {
    ...actual,
    compileQuery: (...args: Parameters<typeof actual.compileQuery>) => {
      jit.compiled++;
      return actual.compileQuery(...args);
    },
  };
});

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

/** `fragment C0 { ...C1 ...C1 }`, n levels: 2^n leaves in 1.3 KB at n = 24. */
function nestedFragments(levels: number, leaf = "kind"): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment C${i} on Collaboration { ...C${i + 1} ...C${i + 1} }`,
  );
  return `{ agent(ref: "syn/api-architect-0") { ... on Agent { collaborators { ...C0 } } } }
${fragments.join("\n")}
fragment C${levels} on Collaboration { ${leaf} }`;
}

describe.each(cases)("hostile documents on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    const report = await importFiles(t.database, syntheticCatalog({ agents: 30, pluginSize: 10 }), {
      source: "syn",
    });
    expect(report.failed).toEqual([]);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** The answer, and the SQL statements and graphql-jit compiles it cost. */
  async function attempt(query: string, variables: Record<string, unknown> = {}) {
    const statements = t.database.statements;
    const compiled = jit.compiled;
    const r = await gql<any>(app, query, variables);
    return { ...r, statements: t.database.statements - statements, compiled: jit.compiled - compiled };
  }

  it("counts compiles and statements (the counters see an ordinary query)", async () => {
    const r = await attempt(`{ agent(ref: "syn/api-architect-0") { ... on Agent { name } } }`);
    expect(r.body.errors).toBeUndefined();
    expect(r.compiled).toBe(1);
    expect(r.statements).toBeGreaterThan(0);
  });

  it("refuses 24 levels of nested fragment spreads before compiling or reading anything", async () => {
    const query = nestedFragments(24);
    expect(query.length).toBeLessThan(1400);
    const r = await attempt(query);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "fields" });
    expect(r.body.errors?.[0]?.extensions?.asked).toBeGreaterThan(2 ** 24);
    expect(r.compiled).toBe(0);
    expect(r.statements).toBe(0);
  });

  it("refuses 1,600 aliased __typename, and counts them as aliases", async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(" ")} }`;
    // 4,800 tokens: refused by the parser.
    const many = await attempt(aliases(1600));
    expect(many.status).toBe(400);
    expect(many.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "tokens" });
    expect(many.compiled).toBe(0);
    // Within the tokens, still 600 aliases.
    const r = await attempt(aliases(600));
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "aliases",
      max: LIMITS.maxAliases,
      asked: 600,
    });
    expect(r.compiled).toBe(0);
  });

  it("counts aliases inside fragments at every spread", async () => {
    const query = `{ agent(ref: "syn/api-architect-0") { ... on Agent { ...A ...A ...A ...A } } }
      fragment A on Agent { ${Array.from({ length: 8 }, (_, i) => `n${i}: name`).join(" ")} }`;
    const r = await attempt(query);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ limit: "aliases", asked: 32 });
    expect(r.statements).toBe(0);
  });

  it("refuses whitespace-padded queries by their length, before parsing them", async () => {
    // 10 MB: refused by the body limit (413) or by the length (400), never parsed or cached.
    const huge = await attempt(`{ ${" ".repeat(10 * 2 ** 20)}__typename }`);
    expect([400, 413]).toContain(huge.status);
    expect(huge.compiled).toBe(0);
    // Under the body limit, over the query length.
    const query = `{ ${" ".repeat(200_000)}__typename }`;
    const r = await attempt(query);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "length",
      max: LIMITS.maxQueryChars,
      asked: query.length,
    });
    expect(r.compiled).toBe(0);
  });

  it("refuses too many tokens at parse", async () => {
    const r = await attempt(`{ ${"__typename ".repeat(LIMITS.maxTokens + 1)} }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "tokens" });
  });

  it("answers a cycle of fragments with graphql's own refusal, without hanging", async () => {
    const r = await attempt(`{ agent(ref: "syn/api-architect-0") { ... on Agent { ...A } } }
      fragment A on Agent { name variants { ...B } }
      fragment B on Agent { ref variants { ...A } }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.message).toMatch(/Cannot spread fragment "A" within itself/);
    expect(r.compiled).toBe(0);
    expect(r.statements).toBe(0);
  });

  it("accepts fragment-heavy queries that stay cheap", async () => {
    // 5 levels of doubling: 62 spreads and 32 leaves, measured once per fragment.
    const doubling = await attempt(nestedFragments(5, "kind summary"));
    expect(doubling.body.errors).toBeUndefined();
    expect(doubling.body.data.agent.collaborators.length).toBeGreaterThan(0);
    // 40 fragments, each spread once, in a chain.
    const chain = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Agent { ${i % 2 ? "name" : "ref"} ${i < 39 ? `...F${i + 1}` : ""} }`,
    ).join("\n");
    const r = await attempt(`{ agent(ref: "syn/api-architect-0") { ...F0 } }\n${chain}`);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.agent).toMatchObject({ name: "api-architect-0", ref: "syn/api-architect-0" });
  });

  it("accepts GraphiQL's introspection query", async () => {
    const r = await attempt(getIntrospectionQuery());
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.__schema.types.length).toBeGreaterThan(20);
  });

  it("refuses the issue's 30 aliases of a depth-4 agentGraph with markdown and diagnostics", async () => {
    const one = (i: number) =>
      `g${i}: agentGraph(roots: ["syn/api-architect-0"], depth: 4) { ... on AgentGraph { nodes { agent { markdown diagnostics { code } } } } }`;
    const r = await attempt(`{ ${Array.from({ length: 30 }, (_, i) => one(i)).join(" ")} }`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "complexity" });
    expect(r.statements).toBe(0);
    expect(r.compiled).toBe(0);
  });

  it("refuses 30 aliased full-text searches", async () => {
    const one = (i: number) =>
      `s${i}: agents(first: 100, filter: { text: "design ${i}" }) { nodes { name } }`;
    const r = await attempt(`{ ${Array.from({ length: 30 }, (_, i) => one(i)).join(" ")} }`);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "complexity" });
    expect(r.statements).toBe(0);
  });
});
