// The operations both servers must answer alike: the Node app (graphql-jit, as src/node.ts
// builds it) and the Worker (Yoga's executor, inside workerd), on the same example catalog.
// Every root field, typed errors, argument errors, each limit, multi-operation documents,
// variables, fragments, introspection, node/nodes and the federation fields. Answers are
// compared after ./normalize.ts; see ./run.ts for how each side runs them.
//
// Variables written "$agentId" / "$sourceId" are replaced with real ids of the catalog the side
// runs on (ids are not part of the comparison, but node(id:) needs one to find something).

export interface ParityOperation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const AGENT = "acme-platform/api-designer";
const TWO_OPS = `query First { sources(first: 1) { nodes { name } } }
query Second { agent(ref: "${AGENT}") { ... on Agent { name } } }`;
const deep = (levels: number) =>
  `{ agent(ref: "${AGENT}") { ... on Agent { ${"variants { ".repeat(levels)}ref${" }".repeat(levels)} } } }`;

export const PARITY_OPERATIONS: ParityOperation[] = [
  // Every root field.
  {
    name: "agent",
    query: `{ agent(ref: "${AGENT}") { __typename ... on Agent { ref name namespace path description color revision toolsMode model { raw family } source { name } } } }`,
  },
  {
    name: "agent tools, skills, commands",
    query: `{ agent(ref: "${AGENT}") { ... on Agent { tools { name kind tier server } toolsByTier { essential { name } optional { name } } skills { name origin resolved skillRef } commands { name resolved } } } }`,
  },
  {
    name: "agent collaborators and dependents",
    query: `{ agent(ref: "${AGENT}") { ... on Agent { collaborators { kind phase section summary to { __typename ... on Agent { ref } ... on UnresolvedAgent { name candidates } } evidence { line text } } dependents { kind from { ... on Agent { ref } } } } } }`,
  },
  {
    name: "agent sections, examples, revisions, variants",
    query: `{ agent(ref: "${AGENT}") { ... on Agent { sections { key title level line endLine } examples { context user } revisions { number current contentHash } variants { ref } } } }`,
  },
  {
    name: "agent markdown and diagnostics",
    query: `{ agent(ref: "${AGENT}") { ... on Agent { markdown diagnostics { code severity line column field message } } } }`,
  },
  {
    name: "agent diff of a single revision",
    query: `{ agent(ref: "${AGENT}") { ... on Agent { diff { __typename ... on AgentryError { message } ... on AgentRevisionDiff { fromRevision toRevision } } } } }`,
  },
  {
    name: "agents",
    query:
      "{ agents(first: 5) { totalCount nodes { ref } pageInfo { hasNextPage hasPreviousPage } edges { node { name } } } }",
  },
  {
    name: "agents filtered",
    query: `{ agents(first: 20, filter: { source: "acme-platform", modelFamily: OPUS }) { totalCount nodes { ref model { family } } } }`,
  },
  {
    name: "agents by name, ignoring case",
    query: `{ agents(first: 3, filter: { nameContains: "DES" }) { totalCount nodes { ref } pageInfo { hasNextPage } } }`,
  },
  {
    name: "agents by a name too long",
    query: `{ agents(first: 3, filter: { nameContains: "${"x".repeat(201)}" }) { totalCount } }`,
  },
  {
    name: "agents by tool",
    query: `{ agents(first: 20, filter: { tool: "Read" }, orderBy: UPDATED_AT) { totalCount } }`,
  },
  {
    name: "agents search",
    query: `{ agents(first: 10, filter: { text: "release" }, orderBy: RELEVANCE) { totalCount nodes { ref } } }`,
  },
  {
    name: "agentGraph",
    query: `{ agentGraph(roots: ["${AGENT}"], depth: 3, kinds: [HANDOFF, PEER]) { ... on AgentGraph { truncated nodeBudget nodes { depth agent { ref } } edges { kind from { ... on Agent { ref } } to { ... on Agent { ref } ... on UnresolvedAgent { name } } } } } }`,
  },
  {
    name: "agentGraph inbound",
    query: `{ agentGraph(roots: ["acme-platform/docs-writer"], depth: 2, direction: IN) { __typename ... on AgentGraph { nodes { depth agent { name } } } } }`,
  },
  {
    name: "collaborationPath",
    query: `{ collaborationPath(from: "${AGENT}", to: "acme-platform/docs-writer") { ... on CollaborationPath { length agents { ref } steps { direction from { name } to { name } collaboration { kind } } } } }`,
  },
  {
    name: "commands",
    query:
      "{ commands(first: 10) { totalCount nodes { name namespace invocation description source { name } } } }",
  },
  {
    name: "skills",
    query: "{ skills(first: 10) { totalCount nodes { ref name description agents { ref } } } }",
  },
  { name: "sources", query: "{ sources(first: 10) { totalCount nodes { name agentCount generation } } }" },
  { name: "tools", query: "{ tools(first: 10) { totalCount nodes { name kind server agentCount } } }" },
  {
    name: "unresolvedReferences",
    query:
      "{ unresolvedReferences(first: 20) { totalCount nodes { kind name candidates agent { ref } evidence { line text } } } }",
  },
  {
    name: "node by id",
    query: "query ($id: ID!) { node(id: $id) { __typename ... on Agent { ref } } }",
    variables: { id: "$agentId" },
  },
  {
    name: "nodes by ids",
    query:
      "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on AgentrySource { name } ... on Agent { name } } }",
    variables: { ids: ["$sourceId", "$agentId"] },
  },
  { name: "_service", query: "{ _service { sdl } }" },
  {
    name: "_entities",
    query: `{ _entities(representations: [{ __typename: "Agent", ref: "${AGENT}" }, { __typename: "AgentryTool", name: "Read" }, { __typename: "AgentrySource", name: "solo-dev" }, { __typename: "Agent", ref: "acme-platform/nobody" }]) { __typename ... on Agent { ref } ... on AgentryTool { name } ... on AgentrySource { name } } }`,
  },
  // Typed errors.
  {
    name: "agent not found",
    query: `{ agent(ref: "acme-platform/nobody") { __typename ... on AgentryNotFoundError { entity ref message } } }`,
  },
  {
    name: "agent with an invalid ref",
    query: `{ agent(ref: "not a ref") { __typename ... on AgentryError { message } ... on AgentryInvalidInputError { issues { path message } } } }`,
  },
  {
    name: "agentGraph too deep",
    query: `{ agentGraph(roots: ["${AGENT}"], depth: 9) { __typename ... on AgentryInvalidInputError { message issues { path message } } } }`,
  },
  {
    name: "agentGraph of an unknown root",
    query: `{ agentGraph(roots: ["acme-platform/nobody"]) { __typename ... on AgentryNotFoundError { ref } } }`,
  },
  {
    name: "collaborationPath without a path",
    query: `{ collaborationPath(from: "${AGENT}", to: "solo-dev/nobody") { __typename ... on AgentryError { message } } }`,
  },
  // Argument errors.
  { name: "first below 1", query: "{ agents(first: 0) { totalCount } }" },
  { name: "first above the maximum", query: "{ tools(first: 101) { totalCount } }" },
  { name: "relevance without text", query: "{ agents(first: 5, orderBy: RELEVANCE) { totalCount } }" },
  { name: "a malformed cursor", query: `{ sources(first: 1, after: "not-a-cursor") { nodes { name } } }` },
  { name: "an unknown field", query: "{ agents(first: 1) { nope } }" },
  { name: "a missing required argument", query: "{ agent { __typename } }" },
  { name: "an argument of the wrong type", query: `{ agents(first: "two") { totalCount } }` },
  { name: "a syntax error", query: "{ agents(first: 1) { totalCount }" },
  // Limits.
  { name: "depth limit", query: deep(13) },
  {
    name: "alias limit",
    query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(" ")} }`,
  },
  { name: "token limit", query: `{ ${"__typename ".repeat(5001)}}` },
  {
    name: "cost limit",
    query: "{ agents(first: 100) { nodes { variants { variants { variants { variants { ref } } } } } } }",
  },
  // Multi-operation documents.
  { name: "two operations, the first asked", query: TWO_OPS, operationName: "First" },
  { name: "two operations, the second asked", query: TWO_OPS, operationName: "Second" },
  { name: "two operations, none named", query: TWO_OPS },
  { name: "two operations, an unknown name", query: TWO_OPS, operationName: "Third" },
  { name: "a mutation", query: "mutation M { x }" },
  { name: "a subscription", query: "subscription S { x }" },
  // Variables.
  {
    name: "variables",
    query:
      "query ($ref: String!, $n: Int) { agent(ref: $ref) { ... on Agent { ref } } sources(first: $n) { nodes { name } } }",
    variables: { ref: AGENT, n: 2 },
  },
  {
    name: "a missing variable",
    query: "query ($ref: String!) { agent(ref: $ref) { __typename } }",
    variables: {},
  },
  {
    name: "a variable of the wrong type",
    query: "query ($n: Int) { sources(first: $n) { totalCount } }",
    variables: { n: "many" },
  },
  {
    name: "an enum variable",
    query:
      'query ($k: [CollaborationKind!]) { agentGraph(roots: ["acme-platform/qa-engineer"], kinds: $k) { ... on AgentGraph { nodes { agent { name } } } } }',
    variables: { k: ["HANDOFF"] },
  },
  {
    name: "an unknown enum value",
    query: "query ($o: AgentOrder) { agents(first: 1, orderBy: $o) { totalCount } }",
    variables: { o: "SIZE" },
  },
  // Fragments, inline fragments, __typename, directives.
  {
    name: "named fragments",
    query: `query { agent(ref: "${AGENT}") { ...Card } } fragment Card on Agent { ref ...More } fragment More on Agent { model { family } }`,
  },
  {
    name: "inline fragments on a union",
    query: `{ a: agent(ref: "${AGENT}") { ... on Agent { name } ... on AgentryNotFoundError { ref } } b: agent(ref: "x/y") { ... on Agent { name } ... on AgentryNotFoundError { ref } } }`,
  },
  {
    name: "__typename everywhere",
    query:
      "{ __typename sources(first: 1) { __typename nodes { __typename name } pageInfo { __typename } } }",
  },
  {
    name: "@include and @skip",
    query:
      "query ($yes: Boolean!) { sources(first: 1) { totalCount @include(if: $yes) nodes @skip(if: $yes) { name } } }",
    variables: { yes: true },
  },
  {
    name: "aliases",
    query: `{ one: agent(ref: "${AGENT}") { ... on Agent { n: name } } two: sources(first: 1) { total: totalCount } }`,
  },
  // Introspection.
  {
    name: "introspection of a type",
    query: `{ __type(name: "AgentFilter") { kind name inputFields { name type { kind name } } } }`,
  },
  {
    name: "introspection of the root types",
    query: "{ __schema { queryType { name } mutationType { name } subscriptionType { name } } }",
  },
  { name: "introspection of an enum", query: `{ __type(name: "ToolTier") { enumValues { name } } }` },
];
