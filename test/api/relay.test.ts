// Relay's parts and the inputs around them: `node`/`nodes` answer null for any id that names no
// live node (never an unexpected error, never a stack trace in the log), connections page
// forward only and say so in the schema, and argument errors name their argument once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { type CapturedLogger, captureLogger, gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { servedSchema } from "./schema-walk.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");
const served = await servedSchema();
/** Every connection of Query, walked from the schema: a connection added later is checked too. */
const connections = Object.values(served.getQueryType()!.getFields())
  .filter((f) => String(f.type).endsWith("Connection!"))
  .map((f) => f.name);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const NOTHING = [
  ["an empty string", ""],
  ["not base64", "%%%"],
  ["base64 of no type", "garbage"],
  ["a type the schema lacks", b64("Foo:1")],
  ["a type that is not a Node", b64("Revision:1")],
  ["a type without its id", b64("Agent:")],
  ["a non-numeric agent id", b64("Agent:abc")],
  ["a fractional agent id", b64("Agent:1.5")],
  ["an agent id beyond bigint", b64("Agent:99999999999999999999")],
  ["an agent that does not exist", b64("Agent:987654")],
  ["a non-numeric source id", b64("AgentrySource:x")],
  ["a source that does not exist", b64("AgentrySource:987654")],
] as const;

describe.each(cases)("Relay and inputs on $driver", ({ open }) => {
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

  it.each(NOTHING)("node(id:) with %s answers null, without an error or a log line", async (_what, id) => {
    const r = await gql<any>(app, "query ($id: ID!) { node(id: $id) { __typename id } }", { id });
    expect(r.body).toEqual({ data: { node: null } });
    expect(logger.lines).toEqual([]);
  });

  it("nodes(ids:) answers each id in order, null for those that name nothing", async () => {
    const page = await gql<any>(
      app,
      "{ agents(first: 1) { nodes { id ref } } sources(first: 1) { nodes { id name } } }",
    );
    const agent = page.body.data.agents.nodes[0];
    const source = page.body.data.sources.nodes[0];
    const ids = [agent.id, ...NOTHING.map(([, id]) => id), source.id];
    const r = await gql<any>(
      app,
      "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Agent { ref } ... on AgentrySource { name } } }",
      { ids },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.nodes).toEqual([
      { __typename: "Agent", ref: agent.ref },
      ...NOTHING.map(() => null),
      { __typename: "AgentrySource", name: source.name },
    ]);
    expect(logger.lines).toEqual([]);
  });

  it("names the argument of an argument error once", async () => {
    const r = await gql<any>(app, "{ agents(first: 5, orderBy: RELEVANCE) { totalCount } }");
    expect(r.body.errors?.[0]?.message).toBe("orderBy: RELEVANCE needs a text filter");
    expect(r.body.errors?.[0]?.extensions?.issues).toEqual([
      { path: "orderBy", message: "RELEVANCE needs a text filter" },
    ]);
  });

  const BAD_PAGES = [
    ["a cursor from elsewhere", 'after: "garbage"', "after"],
    ["base64 that is no cursor", `after: "${b64("nope")}"`, "after"],
    ["first below 1", "first: 0", "first"],
    ["first above 100", "first: 101", "first"],
  ] as const;
  // A connection's required arguments (publishedFiles' `source`) get a value, so that only the
  // page arguments are wrong.
  const required = (name: string) =>
    served
      .getQueryType()!
      .getFields()
      [name]!.args.filter((a) => String(a.type).endsWith("!") && a.defaultValue === undefined)
      .map((a) => `${a.name}: "x", `)
      .join("");
  const pageCases = connections.flatMap((name) =>
    BAD_PAGES.map(([what, args, path]) => ({ name, what, args: `${required(name)}${args}`, path })),
  );

  it.each(pageCases)(
    "$name with $what is BAD_USER_INPUT on `$path`, never unexpected",
    async ({ name, args, path }) => {
      const r = await gql<any>(app, `{ ${name}(${args}) { pageInfo { hasNextPage } } }`);
      expect(r.body.errors?.map((e: any) => [e.extensions?.code, e.extensions?.issues?.[0]?.path])).toEqual([
        ["BAD_USER_INPUT", path],
      ]);
      expect(logger.lines.filter((l) => l.level === "error" && l.message === "unexpected error")).toEqual([]);
    },
  );

  it("refuses `last` and `before` as unknown arguments", async () => {
    const r = await gql<any>(app, '{ skills(last: 2, before: "x") { totalCount } }');
    expect(r.status).toBe(400);
    expect(r.body.errors?.map((e: { message: string }) => e.message)).toEqual([
      'Unknown argument "last" on field "Query.skills".',
      'Unknown argument "before" on field "Query.skills".',
    ]);
  });
});

it("gives every connection `first` and `after` but neither `last` nor `before`", () => {
  expect(connections).toEqual(
    expect.arrayContaining(["agents", "commands", "skills", "sources", "tools", "unresolvedReferences"]),
  );
  for (const f of connections.map((name) => served.getQueryType()!.getFields()[name]!)) {
    const args = f.args.map((a) => a.name);
    expect(args, f.name).toEqual(expect.arrayContaining(["first", "after"]));
    expect(args, f.name).not.toContain("last");
    expect(args, f.name).not.toContain("before");
  }
});
