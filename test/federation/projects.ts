// A Relay-style subgraph as another team writes it: "projects" has its own `Node` interface,
// `Query.node`/`nodes` (@shareable, as every Relay subgraph must declare them to compose with
// another), its own `PageInfo`, an `Error` interface with a `code`, and value types with the
// generic names any team reaches for (`Model`, `Source`, `Tool`, `Diagnostic`, `Evidence`,
// `Severity`, `JSON`, `DateTime`), each shaped differently from what Agentry once called by the
// same name. A `Project` is an entity with a Relay connection of Agentry's agents. Being a Relay
// team, it stores the global ids Agentry gave it (decision 0006: the `id` key is for subgraphs
// that hand our ids back), so `Agent` is one of its `Node` types, as an entity stub by id, and
// its `node(id:)` answers an Agentry agent id with that stub for the gateway to complete.
// Federation needs that overlap: two subgraphs may share `Query.node` only if their `Node`
// types intersect (SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES otherwise; `disjointProjectsSdl`).
// Written with @apollo/subgraph, served by @apollo/server on loopback.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLScalarType, Kind, parse } from "graphql";

export const PROJECTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

scalar JSON
scalar DateTime

interface Node {
  id: ID!
}

type PageInfo @shareable {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

interface Error {
  code: String!
  message: String!
}

type ProjectNotFoundError implements Error {
  code: String!
  message: String!
  id: ID!
}

union ProjectResult = Project | ProjectNotFoundError

enum Severity {
  LOW
  MEDIUM
  HIGH
  CRITICAL
}

type Evidence {
  file: String!
  line: Int!
  excerpt: String
}

type Diagnostic {
  severity: Severity!
  code: String!
  message: String!
  evidence: [Evidence!]!
}

type Model {
  id: ID!
  provider: String!
  contextWindow: Int!
}

type Source {
  url: String!
  branch: String!
}

type Tool {
  id: ID!
  name: String!
  version: String!
}

type Agent implements Node @key(fields: "id") {
  id: ID!
}

type ProjectAgentEdge {
  cursor: String!
  node: Agent!
  role: String!
}

type ProjectAgentConnection {
  edges: [ProjectAgentEdge!]!
  nodes: [Agent!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type Project implements Node @key(fields: "id") {
  id: ID!
  name: String!
  createdAt: DateTime!
  settings: JSON
  model: Model
  source: Source!
  tools: [Tool!]!
  diagnostics: [Diagnostic!]!
  agents(first: Int = 20, after: String): ProjectAgentConnection!
}

type ProjectEdge {
  cursor: String!
  node: Project!
}

type ProjectConnection {
  edges: [ProjectEdge!]!
  nodes: [Project!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type Query {
  node(id: ID!): Node @shareable
  nodes(ids: [ID!]!): [Node]! @shareable
  project(id: ID!): ProjectResult!
  projects(first: Int = 20, after: String): ProjectConnection!
}
`;

interface ProjectRow {
  id: string;
  name: string;
  createdAt: string;
  settings: unknown;
  model: { id: string; provider: string; contextWindow: number } | null;
  source: { url: string; branch: string };
  tools: { id: string; name: string; version: string }[];
  diagnostics: {
    severity: string;
    code: string;
    message: string;
    evidence: { file: string; line: number; excerpt: string | null }[];
  }[];
  /** Agentry agents (by ref here; by the global id Agentry gave for it when served). */
  agents: { ref: string; role: string }[];
}

/** Project ids are this subgraph's own global ids: not Agentry's, which are base64 of `Type:n`. */
export const PROJECTS: ProjectRow[] = [
  {
    id: "project:checkout",
    name: "Checkout rewrite",
    createdAt: "2026-03-01T09:00:00.000Z",
    settings: { reviewers: 2, labels: ["payments"] },
    model: { id: "claude-opus", provider: "anthropic", contextWindow: 200_000 },
    source: { url: "https://git.example/acme/checkout", branch: "main" },
    tools: [{ id: "tool:terraform", name: "terraform", version: "1.9.0" }],
    diagnostics: [
      {
        severity: "HIGH",
        code: "MISSING_OWNER",
        message: "no owner for the payments module",
        evidence: [{ file: "CODEOWNERS", line: 12, excerpt: null }],
      },
    ],
    agents: [
      { ref: "acme-platform/api-designer", role: "design" },
      { ref: "acme-platform/backend-engineer", role: "build" },
      { ref: "acme-platform/security-reviewer", role: "review" },
      { ref: "acme-platform/qa-engineer", role: "test" },
      { ref: "acme-platform/release-captain", role: "ship" },
    ],
  },
  {
    id: "project:docs",
    name: "Docs site",
    createdAt: "2026-04-15T12:30:00.000Z",
    settings: null,
    model: null,
    source: { url: "https://git.example/acme/docs", branch: "trunk" },
    tools: [],
    diagnostics: [],
    agents: [{ ref: "acme-platform/docs-writer", role: "write" }],
  },
];

const cursorOf = (i: number) => Buffer.from(`offset:${i}`).toString("base64");
const offsetOf = (cursor: string | null | undefined) =>
  cursor ? Number(Buffer.from(cursor, "base64").toString().slice("offset:".length)) + 1 : 0;

function page<T>(items: T[], first: number, after: string | null | undefined) {
  const start = offsetOf(after);
  const slice = items.slice(start, start + first);
  return {
    items: slice.map((item, k) => ({ item, cursor: cursorOf(start + k) })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursorOf(start) : null,
      endCursor: slice.length ? cursorOf(start + slice.length - 1) : null,
    },
    totalCount: items.length,
  };
}

const byId = (id: string) => PROJECTS.find((p) => p.id === id) ?? null;

/** Agentry's global ids are base64 of `Agent:<n>`; an agent's id is answered with a stub. */
function isAgentryAgentId(id: string): boolean {
  return /^Agent:\d+$/.test(Buffer.from(id, "base64").toString());
}
const nodeById = (id: string) => byId(id) ?? (isAgentryAgentId(id) ? { __typename: "Agent", id } : null);

const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});
const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
});

function resolvers(agentIds: Record<string, string>) {
  const agent = (ref: string) => ({
    __typename: "Agent",
    id: agentIds[ref] ?? Buffer.from("Agent:0").toString("base64"),
  });
  return {
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    Node: { __resolveType: (v: { __typename?: string }) => v.__typename ?? "Project" },
    ProjectResult: {
      __resolveType: (v: { __typename?: string }) =>
        v.__typename === "ProjectNotFoundError" ? v.__typename : "Project",
    },
    Query: {
      node: (_: unknown, { id }: { id: string }) => nodeById(id),
      nodes: (_: unknown, { ids }: { ids: string[] }) => ids.map(nodeById),
      project: (_: unknown, { id }: { id: string }) =>
        byId(id) ?? {
          __typename: "ProjectNotFoundError",
          code: "NOT_FOUND",
          message: `no project ${id}`,
          id,
        },
      projects: (_: unknown, { first, after }: { first: number; after?: string }) => {
        const p = page(PROJECTS, first, after);
        return {
          edges: p.items.map(({ item, cursor }) => ({ cursor, node: item })),
          nodes: p.items.map(({ item }) => item),
          pageInfo: p.pageInfo,
          totalCount: p.totalCount,
        };
      },
    },
    Project: {
      __resolveReference: ({ id }: { id: string }) => byId(id),
      agents: (project: ProjectRow, { first, after }: { first: number; after?: string }) => {
        const p = page(project.agents, first, after);
        return {
          edges: p.items.map(({ item, cursor }) => ({ cursor, role: item.role, node: agent(item.ref) })),
          nodes: p.items.map(({ item }) => agent(item.ref)),
          pageInfo: p.pageInfo,
          totalCount: p.totalCount,
        };
      },
    },
  };
}

/**
 * The subgraph, given the global ids Agentry gave its agents (ref → id). Composition needs
 * none of them; the served subgraph needs those of PROJECTS' agents.
 */
export function projectsSchema(agentIds: Record<string, string> = {}) {
  return buildSubgraphSchema([{ typeDefs: parse(PROJECTS_SDL), resolvers: resolvers(agentIds) as never }]);
}

/** The same team before it stored Agentry's ids: every `Node` type its own, agents by ref. */
export const disjointProjectsSdl = () =>
  PROJECTS_SDL.replace(
    'type Agent implements Node @key(fields: "id") {\n  id: ID!\n}',
    'type Agent @key(fields: "ref", resolvable: false) {\n  ref: String!\n}',
  );

/** Serves the projects subgraph on an ephemeral loopback port; counts the requests it gets. */
export async function startProjects(
  agentIds: Record<string, string>,
): Promise<{ url: string; requests: () => number; stop(): Promise<void> }> {
  let requests = 0;
  const server = new ApolloServer({
    schema: projectsSchema(agentIds),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          requests++;
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, requests: () => requests, stop: () => server.stop() };
}
