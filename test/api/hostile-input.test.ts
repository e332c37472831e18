// One test per cause the schema-driven fuzzer (test/fuzz) found answering "Unexpected error."
// (or answering nonsense) to client input, on the example catalog, through the app as npm start
// builds it (graphql-jit): forged global ids, `nodes` without a limit, forged offset and keyset
// cursors whose keys reached a cast in SQL, and operation types the schema lacks. Each answer
// is a typed refusal (BAD_USER_INPUT naming the argument, or null for an id that names
// nothing), no SQL statement is sent for a refused cursor or id list, and nothing is logged as
// unexpected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { type CapturedLogger, captureLogger, gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
/** A keyset cursor as src/catalog/reads/internal.ts makes one, with any content. */
const keyset = (order: unknown, key: unknown, id: unknown) =>
  Buffer.from(JSON.stringify([order, key, id]), "utf8").toString("base64url");

describe.each(cases)("hostile input on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  let logger: CapturedLogger;
  beforeAll(async () => {
    t = await open();
    await loadExamplesIfEmpty(t.database);
  });
  beforeEach(() => {
    logger = captureLogger();
    app = testApp(t.database, logger);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** What the server logged as its own failure (client errors logged by Yoga are not). */
  const unexpectedLines = () => logger.lines.filter((l) => l.message === "unexpected error");

  /**
   * One BAD_USER_INPUT error that names the argument: from the resolver (HTTP 200) or, for what
   * the request limits refuse before execution (an over-long string), from validation (400).
   */
  async function refused(query: string, variables: Record<string, unknown>, argument: string) {
    const before = t.database.statements;
    const r = await gql<any>(app, query, variables);
    const statements = t.database.statements - before;
    expect([200, 400]).toContain(r.status);
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    expect(r.body.errors?.[0]?.message).toContain(argument);
    expect(unexpectedLines()).toEqual([]);
    return statements;
  }

  describe("global ids", () => {
    // Number() reads each of these as a number: `Agent: 1` and `Agent:0x1` were agent 1.
    const FORGED = [
      "Agent:1e30",
      "Agent:1.5",
      "Agent:1e0",
      "Agent: 1",
      "Agent:0x1",
      "Agent:+1",
      "Agent:01",
      "Agent:-0",
      "Agent:",
      "Agent:9007199254740993",
      "AgentrySource:1e0",
      "AgentrySource:2147483648",
      "Nope:1",
    ];
    it.each(FORGED)("node(id: base64 of %j) is null, with no SQL and no log line", async (id) => {
      const before = t.database.statements;
      const r = await gql<any>(app, "query ($id: ID!) { node(id: $id) { __typename id } }", { id: b64(id) });
      expect(r.body).toEqual({ data: { node: null } });
      expect(t.database.statements - before).toBe(0);
      expect(unexpectedLines()).toEqual([]);
    });

    it("a Source that does not exist is null, in a batch with live nodes (it was a plain Error)", async () => {
      const r = await gql<any>(
        app,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on AgentrySource { name } } }",
        { ids: [b64("AgentrySource:987654"), b64("AgentrySource:1"), b64("AgentrySource:987655")] },
      );
      expect(r.body).toEqual({
        data: { nodes: [null, { __typename: "AgentrySource", name: "acme-platform" }, null] },
      });
      expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
    });

    it("the ids this server writes still name their nodes", async () => {
      const r = await gql<any>(
        app,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Agent { name } ... on AgentrySource { name } } }",
        { ids: [b64("Agent:1"), b64("AgentrySource:1"), b64("Agent: 1")] },
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.nodes.map((n: any) => n?.__typename ?? null)).toEqual([
        "Agent",
        "AgentrySource",
        null,
      ]);
    });

    it("nodes(ids:) takes at most 100 ids: 101 are refused before any SQL", async () => {
      const ids = Array.from({ length: 101 }, (_, i) => b64(`Agent:${i + 1}`));
      const statements = await refused("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids }, "ids");
      expect(statements).toBe(0);
      const hundred = await gql<any>(app, "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {
        ids: ids.slice(0, 100),
      });
      expect(hundred.body.errors).toBeUndefined();
      expect(hundred.body.data.nodes).toHaveLength(100);
    });
  });

  describe("sources: offset cursors and page sizes", () => {
    it.each([
      ["a negative offset", b64("OffsetConnection:-5")],
      ["an exponent", b64("OffsetConnection:1e30")],
      ["a fraction", b64("OffsetConnection:1.5")],
      ["no number", b64("OffsetConnection:abc")],
      ["nothing", b64("OffsetConnection:")],
      ["a keyset cursor", keyset("NAME", "api-designer", 1)],
      ["not base64", "%%%"],
    ])("refuses %s as BAD_USER_INPUT, before any SQL", async (_what, after) => {
      const statements = await refused(
        "query ($after: String) { sources(after: $after) { edges { cursor } } }",
        { after },
        "after",
      );
      expect(statements).toBe(0);
    });

    it("refuses first: 1000 (the largest page is 100) and pages with its own cursors", async () => {
      await refused("{ sources(first: 1000) { totalCount } }", {}, "first");
      const first = await gql<any>(app, "{ sources(first: 1) { nodes { name } pageInfo { endCursor } } }");
      const next = await gql<any>(
        app,
        "query ($after: String) { sources(first: 5, after: $after) { nodes { name } } }",
        { after: first.body.data.sources.pageInfo.endCursor },
      );
      expect(next.body.errors).toBeUndefined();
      expect(next.body.data.sources.nodes.map((n: any) => n.name)).toEqual(["community-agents", "solo-dev"]);
    });
  });

  describe("agents: forged keyset cursors never reach SQL", () => {
    const AGENTS =
      "query ($after: String, $order: AgentOrder, $text: String) { agents(first: 3, after: $after, orderBy: $order, filter: { text: $text }) { nodes { ref } } }";
    it.each([
      ["UPDATED_AT", "1e30"],
      ["UPDATED_AT", "abc"],
      ["UPDATED_AT", "2026-13-45T99:99:99+00:00"],
      ["UPDATED_AT", "2026-02-30T00:00:00+00:00"],
      ["UPDATED_AT", "0000-01-01T00:00:00+00:00"],
      ["UPDATED_AT", null],
      ["UPDATED_AT", 12],
      ["RELEVANCE", "x:y"],
      ["RELEVANCE", "1:1e39"],
      ["RELEVANCE", "0:1e-50"],
      ["RELEVANCE", "2:0.5"],
      ["RELEVANCE", "0:NaN"],
      ["RELEVANCE", "1:2:3"],
      ["RELEVANCE", ""],
      ["NAME", "api\u0000designer"],
      ["NAME", "\uD800"],
      ["NAME", 12],
      ["NAME", null],
    ])("orderBy %s with the key %j is BAD_USER_INPUT", async (order, key) => {
      const statements = await refused(
        AGENTS,
        { after: keyset(order, key, 1), order, text: order === "RELEVANCE" ? "api" : null },
        "after",
      );
      expect(statements).toBe(0);
    });

    it.each([
      ["an id beyond 2^53", keyset("NAME", "api-designer", 2 ** 53)],
      ["a fractional id", keyset("NAME", "api-designer", 1.5)],
      ["another connection's cursor", keyset("TOOLS", "Read", 5)],
      ["four elements", Buffer.from('["NAME","a",1,4]').toString("base64url")],
      ["a very long key", keyset("NAME", "x".repeat(10_000), 1)],
    ])("%s is BAD_USER_INPUT", async (_what, after) => {
      await refused(AGENTS, { after }, "after");
    });

    it.each(["NAME", "UPDATED_AT", "RELEVANCE"])("the cursors it makes still page (%s)", async (order) => {
      const text = order === "RELEVANCE" ? "api" : null;
      // The example catalog has 17 agents: a page of 20 holds them all.
      const all = await gql<any>(app, AGENTS.replace("first: 3", "first: 20"), { order, text });
      expect(all.body.errors).toBeUndefined();
      const page = await gql<any>(
        app,
        "query ($order: AgentOrder, $text: String) { agents(first: 2, orderBy: $order, filter: { text: $text }) { pageInfo { endCursor } } }",
        { order, text },
      );
      const next = await gql<any>(app, AGENTS, {
        order,
        text,
        after: page.body.data.agents.pageInfo.endCursor,
      });
      expect(next.body.errors).toBeUndefined();
      expect(next.body.data.agents.nodes).toEqual(all.body.data.agents.nodes.slice(2, 5));
    });
  });

  describe("skills, commands, tools and unresolved references: forged cursors", () => {
    it.each([
      ["skills", keyset("SKILLS", "a\u0000b", 1)],
      ["commands", keyset("COMMANDS", "\uDC00", 1)],
      ["tools", keyset("TOOLS", 5, 1)],
      ["unresolvedReferences", keyset("UNRESOLVED", JSON.stringify(["collaborator", "x", 2 ** 40, 1]), 1)],
      ["unresolvedReferences", keyset("UNRESOLVED", JSON.stringify(["collaborator", "x\u0000", 1, 1]), 1)],
      ["unresolvedReferences", keyset("UNRESOLVED", JSON.stringify(["collaborator", "x", 1.5, 1]), 1)],
      ["unresolvedReferences", keyset("UNRESOLVED", "not json", 1)],
    ])("%s refuses a forged key before SQL", async (field, after) => {
      const statements = await refused(
        `query ($after: String) { ${field}(after: $after) { totalCount } }`,
        { after },
        "after",
      );
      expect(statements).toBe(0);
    });
  });

  describe("operation types", () => {
    it("refuses a subscription in words that name it, not as an unexpected error", async () => {
      const r = await gql<any>(app, "subscription { agents { totalCount } }");
      expect(r.status).toBe(400);
      expect(r.body.data ?? null).toBeNull();
      expect(r.body.errors?.[0]?.message).toMatch(/subscription/);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(unexpectedLines()).toEqual([]);
    });

    // The schema has mutations (publish, issue 16): graphql-jit compiles them as it does queries.
    it("answers a mutation's __typename, and refuses a query field asked of Mutation as invalid", async () => {
      const typename = await gql<any>(app, "mutation { __typename }");
      expect(typename.body).toEqual({ data: { __typename: "Mutation" } });
      const wrong = await gql<any>(app, 'mutation M { agent(ref: "x") { __typename } }');
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors?.[0]?.message).toBe('Cannot query field "agent" on type "Mutation".');
      expect(wrong.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(unexpectedLines()).toEqual([]);
    });
  });
});
