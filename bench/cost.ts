// npm run bench:cost — the query budget against the work it stands for, on the synthetic
// catalog (docs/decisions/0014-query-budget.md records a run):
//
//   npm run bench:cost -- --database postgres://postgres@127.0.0.1:5432/agentry_cost_100k [--load]
//
// --load imports 100,000 synthetic agents (source "syn") into that database first (about 8
// minutes here). Two tables:
// - calibration: single probes executed by graphql-js with no limits (as the Worker runs
//   them), each with its cost, time and response bytes: what the per-field costs are set from;
// - the most expensive operations the limits allow (and the issue's attacks, which they
//   refuse), through the app as `npm start` builds it (graphql-jit included): status, time,
//   bytes. The target: every allowed one under 2 s and 5 MB.
import { parseArgs } from "node:util";
import { execute, parse, validate } from "graphql";
import { ANONYMOUS_PUBLIC } from "../src/auth/caller.js";
import { openDatabase } from "../src/catalog/database.js";
import { EVERY_SOURCE } from "../src/catalog/reads/visibility.js";
import { readDatabaseConfig } from "../src/config.js";
import type { GraphQLContext } from "../src/graphql/context.js";
import { LIMITS } from "../src/graphql/limits.js";
import { measure, selectOperation } from "../src/graphql/query-budget.js";
import { schema } from "../src/graphql/schema.js";
import { createApp } from "../src/server/app.js";
import { jitPlugin } from "../src/server/jit.js";
import { loadSyntheticCatalog } from "./harness/load-catalog.js";
import { agentName } from "./synthetic.js";

const { values: args } = parseArgs({
  options: {
    database: { type: "string" },
    load: { type: "boolean", default: false },
    size: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
  },
});
if (!args.database) throw new Error("--database postgres://… is required");
const size = Number(args.size);
const runs = Number(args.runs);

if (args.load) await loadSyntheticCatalog(args.database, size);

const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: args.database }));
const ref = (i: number) => `syn/${agentName(i)}`;
const refs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ref(from + i * 997));
const json = (v: unknown) => JSON.stringify(v);

/** Global ids of n agents, as `node(id:)` takes them. */
async function agentIds(n: number): Promise<string[]> {
  const r = await execute({
    schema,
    document: parse(`{ agents(first: ${n}) { nodes { id } } }`),
    contextValue: context(),
  });
  return ((r.data as { agents: { nodes: { id: string }[] } }).agents.nodes ?? []).map((x) => x.id);
}

/** As the app builds it for a caller who reads every source (typed: a missing field fails here). */
function context(): GraphQLContext {
  return {
    db: database.db,
    requestId: "bench",
    graphCache: null,
    signal: new AbortController().signal,
    caller: ANONYMOUS_PUBLIC,
    view: EVERY_SOURCE,
  };
}

function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  return measure(schema, document, selectOperation(document, null)!, variables).cost;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(run: () => Promise<string>): Promise<{ ms: number; bytes: number; body: string }> {
  let body = "";
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    body = await run();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes: Buffer.byteLength(body), body };
}

const ids = await agentIds(100);
const GRAPH = (d: number, sel: string) =>
  `agentGraph(roots: ["${ref(0)}"], depth: ${d}) { ... on AgentGraph { truncated nodes { depth agent { ${sel} } } edges { kind } } }`;

const probes: [string, string][] = [
  ...[0, 1, 2, 3, 4].map((d): [string, string] => [
    `agentGraph depth ${d}, names`,
    `{ ${GRAPH(d, "name")} }`,
  ]),
  ["agentGraph depth 4, markdown", `{ ${GRAPH(4, "markdown")} }`],
  ["agentGraph depth 4, diagnostics", `{ ${GRAPH(4, "diagnostics { code message line }")} }`],
  [
    "agentGraph depth 4, markdown + diagnostics",
    `{ ${GRAPH(4, "markdown diagnostics { code message line }")} }`,
  ],
  ["agents(first: 100) names", `{ agents(first: 100) { nodes { name } } }`],
  ["agents(first: 100) markdown", `{ agents(first: 100) { nodes { markdown } } }`],
  [
    "agents(first: 100) diagnostics",
    `{ agents(first: 100) { nodes { diagnostics { code message line } } } }`,
  ],
  ["agents(first: 100) sections", `{ agents(first: 100) { nodes { sections { title markdown text } } } }`],
  [
    "agents(first: 100) diff",
    `{ agents(first: 100) { nodes { diff { ... on RevisionDiff { bodyChanged } } } } }`,
  ],
  [
    "agents(first: 100) every list",
    `{ agents(first: 100) { nodes { tools { name } skills { name } commands { name } examples { user }
      collaborators { kind to { ... on Agent { name } } } dependents { kind } variants { name } revisions { number } } } }`,
  ],
  [
    "search, common words, first 100",
    `{ agents(first: 100, filter: { text: "design review" }, orderBy: RELEVANCE) { totalCount nodes { name } } }`,
  ],
  [
    "search, common words, first 50",
    `{ agents(first: 50, filter: { text: "design review" }, orderBy: RELEVANCE) { totalCount nodes { name } } }`,
  ],
  [
    "search, common word, first 1",
    `{ agents(first: 1, filter: { text: "design" }, orderBy: RELEVANCE) { totalCount nodes { name } } }`,
  ],
  [
    "search, rare word",
    `{ agents(first: 100, filter: { text: "kalomi" }, orderBy: RELEVANCE) { totalCount nodes { name } } }`,
  ],
  [
    "name holds a common part, first 10",
    `{ agents(first: 10, filter: { nameContains: "-engineer-" }) { totalCount nodes { name } } }`,
  ],
  [
    "name holds nothing, first 10",
    `{ agents(first: 10, filter: { nameContains: "no-such-agent" }) { totalCount nodes { name } } }`,
  ],
  [
    "filter by tool, first 100",
    `{ agents(first: 100, filter: { tool: "Read" }) { totalCount nodes { name } } }`,
  ],
  ["nodes(ids: 100) markdown", `{ nodes(ids: ${json(ids)}) { ... on Agent { name markdown } } }`],
  [
    "_entities(100) markdown",
    `{ _entities(representations: ${json(refs(100).map((r) => ({ __typename: "Agent", ref: r })))
      .replace(/"__typename"/g, "__typename")
      .replace(/"ref"/g, "ref")}) { ... on Agent { name markdown } } }`,
  ],
  ...[4, 5].map((d): [string, string] => [
    `collaborationPath maxDepth ${d}, no path`,
    `{ collaborationPath(from: "${ref(1)}", to: "${ref(size - 2)}", maxDepth: ${d}) { ... on CollaborationPath { length } } }`,
  ]),
  [
    "unresolvedReferences(first: 100)",
    `{ unresolvedReferences(first: 100) { nodes { name agent { name } } } }`,
  ],
  ["skills(first: 100) agents", `{ skills(first: 100) { nodes { name agents { name } } } }`],
  ["tools(first: 100)", `{ tools(first: 100) { nodes { name agentCount } } }`],
];

console.log(`# Calibration: graphql-js, no limits, ${size} agents, median of ${runs}\n`);
console.log("| probe | cost | ms | bytes | ms per 1,000 cost | bytes per cost |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, query] of probes) {
  const document = parse(query);
  const r = await timed(async () => json(await execute({ schema, document, contextValue: context() })));
  const cost = costOf(query);
  const errors = (JSON.parse(r.body) as { errors?: { message: string }[] }).errors;
  console.log(
    `| ${name} | ${cost} | ${r.ms.toFixed(0)} | ${r.bytes} | ${((r.ms / cost) * 1000).toFixed(1)} | ${(r.bytes / cost).toFixed(0)} |${errors ? ` errors: ${errors[0]!.message}` : ""}`,
  );
}

// ---- the limits, through the app ----------------------------------------------------------

const app = createApp({ database, plugins: [jitPlugin()], logger: { info() {}, error() {} } });
async function post(query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const response = await app.fetch(
    new Request("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return `${response.status} ${await response.text()}`;
}

/** As many aliases of `one` as the cost limit allows (at most maxAliases). */
function widest(one: (i: number) => string): { n: number; query: string } {
  let n = 1;
  const build = (k: number) => `{ ${Array.from({ length: k }, (_, i) => `a${i}: ${one(i)}`).join(" ")} }`;
  while (n < LIMITS.maxAliases && costOf(build(n + 1)) <= LIMITS.maxCost) n++;
  return { n, query: build(n) };
}

const fragments24 = `{ agent(ref: "${ref(0)}") { ... on Agent { collaborators { ...C0 } } } }
${Array.from({ length: 24 }, (_, i) => `fragment C${i} on Collaboration { ...C${i + 1} ...C${i + 1} }`).join("\n")}
fragment C24 on Collaboration { kind }`;
const graphAlias = (sel: string) => (i: number) =>
  `agentGraph(roots: ["${ref(i * 3001)}"], depth: 4) { ... on AgentGraph { nodes { agent { ${sel} } } edges { kind summary } } }`;
const searchAlias = (i: number, first = 100) =>
  `agents(first: ${first}, filter: { text: "design ${["review", "ship", "test", "plan", "cache"][i % 5]}" }, orderBy: RELEVANCE) { totalCount nodes { name description } }`;

const heavy: [string, string][] = [
  [
    "issue: 30 × agentGraph depth 4, markdown + diagnostics",
    widestNot(graphAlias("name markdown diagnostics { code message }"), 30),
  ],
  ["issue: 30 × search", widestNot(searchAlias, 30)],
  ["issue: 24 levels of fragments", fragments24],
  [
    "issue: 1,600 aliased __typename",
    `{ ${Array.from({ length: 1600 }, (_, i) => `t${i}: __typename`).join(" ")} }`,
  ],
  ...(
    [
      [
        "agentGraph depth 4, markdown + diagnostics",
        graphAlias("name markdown diagnostics { code message }"),
      ],
      ["agentGraph depth 4, markdown", graphAlias("name markdown")],
      ["agentGraph depth 4, diagnostics", graphAlias("name diagnostics { code message }")],
      ["agentGraph depth 4, names", graphAlias("name description")],
      ["search, common words, first 90", (i: number) => searchAlias(i, 90)],
      ["search, common words, first 20", (i: number) => searchAlias(i, 20)],
      [
        "agents(first: 100), every field",
        (i: number) =>
          `agents(first: 100, after: null, filter: { modelFamily: ${["OPUS", "SONNET", "HAIKU"][i % 3]} }) { nodes { name description markdown diagnostics { code } tools { name } skills { name } collaborators { kind } } }`,
      ],
      ["nodes(ids: 100), markdown", () => `nodes(ids: ${json(ids)}) { ... on Agent { name markdown } }`],
      [
        "deep nesting",
        (i: number) =>
          `agent(ref: "${ref(i)}") { ... on Agent { collaborators { to { ... on Agent { collaborators { to { ... on Agent { collaborators { to { ... on Agent { name markdown } } } } } } } } } } }`,
      ],
      [
        "deep nesting, names",
        (i: number) =>
          `agent(ref: "${ref(i)}") { ... on Agent { collaborators { to { ... on Agent { collaborators { to { ... on Agent { collaborators { to { ... on Agent { name description } } } } } } } } } } }`,
      ],
      [
        "collaborationPath maxDepth 5, no path",
        (i: number) =>
          `collaborationPath(from: "${ref(1 + i)}", to: "${ref(size - 2 - i)}", maxDepth: 5) { ... on CollaborationPath { length } }`,
      ],
      [
        "full introspection",
        () => `__schema { types { name fields { name type { name ofType { name } } } } }`,
      ],
    ] as [string, (i: number) => string][]
  ).map(([name, one]): [string, string] => {
    const w = widest(one);
    return [`${w.n} × ${name}`, w.query];
  }),
];

function widestNot(one: (i: number) => string, n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${one(i)}`).join(" ")} }`;
}

console.log(`\n# Through the app (graphql-jit), limit ${LIMITS.maxCost}, median of ${runs}\n`);
console.log("| operation | cost | HTTP | ms | bytes | answer |");
console.log("|---|---:|---:|---:|---:|---|");
let worst = { ms: 0, bytes: 0 };
for (const [name, query] of heavy) {
  const r = await timed(() => post(query));
  const status = r.body.slice(0, 3);
  const body = JSON.parse(r.body.slice(4)) as {
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const answer = body.errors
    ? `${body.errors[0]!.extensions?.code}: ${body.errors[0]!.message.slice(0, 60)}`
    : "data";
  if (status === "200" && !body.errors)
    worst = { ms: Math.max(worst.ms, r.ms), bytes: Math.max(worst.bytes, r.bytes) };
  console.log(`| ${name} | ${costOf(query)} | ${status} | ${r.ms.toFixed(0)} | ${r.bytes} | ${answer} |`);
}
console.log(`\nslowest allowed: ${worst.ms.toFixed(0)} ms; largest allowed: ${worst.bytes} bytes`);

// ---- graphql-js's own rules on what the budget lets through --------------------------------
// OverlappingFieldsCanBeMerged compares same-named fields pairwise; these are the documents
// within the limits that give it the most pairs.
const validations: [string, string][] = [
  [
    "199 agent(ref:) with different refs, one name",
    `{ ${Array.from({ length: 199 }, (_, i) => `agent(ref: "a/b${i}") { __typename }`).join(" ")} }`,
  ],
  [
    "100 fragments spread on one selection, each a variants { name }",
    `{ agent(ref: "a/b") { ... on Agent { ${Array.from({ length: 100 }, (_, i) => `...F${i}`).join(" ")} } } }
${Array.from({ length: 100 }, (_, i) => `fragment F${i} on Agent { variants { name } }`).join("\n")}`,
  ],
  [
    "133 tools(tier:) with three different tiers",
    `{ agent(ref: "a/b") { ... on Agent { ${Array.from({ length: 133 }, (_, i) => `tools(tier: ${["ESSENTIAL", "NONE", "OPTIONAL"][i % 3]}) { name }`).join(" ")} } } }`,
  ],
];
const { checkOperation } = await import("../src/server/limits-plugin.js");
console.log("\n# graphql-js validation of documents within the limits\n");
console.log("| document | budget | validate ms | errors |");
console.log("|---|---|---:|---:|");
for (const [name, query] of validations) {
  const document = parse(query, { maxTokens: LIMITS.maxTokens });
  let budget = "allowed";
  try {
    checkOperation(schema, document, null, {});
  } catch (e) {
    budget = (e as Error).message;
  }
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    errors = validate(schema, document).length;
    times.push(performance.now() - t0);
  }
  console.log(`| ${name} | ${budget} | ${median(times).toFixed(1)} | ${errors} |`);
}
await database.close();
