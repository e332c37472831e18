// The HTTP scenarios of `npm run bench`: what a frontend asks Agentry, and the same data asked
// of the floor (hand-written SQL, bench/servers/floor.ts) and, for agent detail, of the peer
// (PostGraphile, bench/peers/). Each request of a run takes the next variables of a fixed,
// seeded rotation, so runs are repeatable and hit many different rows.
import { agentryAgentDetail, postgraphileAgentDetail } from "../peers/postgraphile-queries.js";
import { agentName, topicWord } from "../synthetic.js";

export interface HttpRequestSpec {
  path: string;
  body: string;
}

export interface Scenario {
  name: string;
  /** What it measures, for the report. */
  description: string;
  /** Which Agentry server answers: the cache on (default) or off. */
  agentry: "cached" | "uncached" | null;
  /** The i-th request to Agentry (GraphQL over POST /graphql). */
  request?: (i: number) => HttpRequestSpec;
  /** The same data from the floor server. */
  floor?: (i: number) => HttpRequestSpec;
  /** The same data from PostGraphile. */
  peer?: (i: number) => HttpRequestSpec;
  /** The same request to bare Yoga. */
  ceiling?: (i: number) => HttpRequestSpec;
  /** Requests sent before measuring (to fill a cache); 0 by default. */
  warmup?: number;
  /** How many distinct variables the rotation has. */
  rotation: number;
}

export const SOURCE = "syn";
const TOOLS = ["Read", "Bash", "WebSearch", "mcp__github__create_pull_request", "Grep", "NotebookEdit"];
// One rare focus word, or either of two (web-search syntax): a few hundred matches in 100,000
// agents, as a query for a topic finds in a real catalog.
const TEXTS = [0, 1, 2, 3, 4, 5, 6, 7].map((k) =>
  k % 2 === 0 ? topicWord(k * 97) : `${topicWord(k * 89)} or ${topicWord(k * 89 + 1)}`,
);

const graphql = (query: string, variables: Record<string, unknown>): HttpRequestSpec => ({
  path: "/graphql",
  body: JSON.stringify({ query, variables }),
});
const floor = (op: string, variables: Record<string, unknown>): HttpRequestSpec => ({
  path: `/${op}`,
  body: JSON.stringify(variables),
});

/** A deterministic spread of agents over the catalog (a prime stride). */
export function agentAt(i: number, agents: number): string {
  return agentName((i * 7919 + 13) % agents);
}

const AGENTS_BY_TOOL = `query AgentsByTool($tool: String!) {
  agents(first: 50, filter: { tool: $tool }) {
    totalCount nodes { ref name description model { family } tools { name tier } }
  }
}`;

const SEARCH = `query Search($text: String!) {
  agents(first: 20, filter: { text: $text }, orderBy: RELEVANCE) { totalCount nodes { ref name description } }
}`;

const GRAPH = `query Graph($roots: [String!]!, $depth: Int!) {
  agentGraph(roots: $roots, depth: $depth) { ... on AgentGraph {
    truncated nodes { depth agent { id ref name } }
    edges { kind from { ... on Agent { id } } to { ... on Agent { id } } }
  } }
}`;

export function scenarios(agents: number): Scenario[] {
  const ref = (i: number) => `${SOURCE}/${agentAt(i, agents)}`;
  const list: Scenario[] = [
    {
      name: "agent detail",
      description: "one agent with tools and skills, its collaborators two levels deep with theirs",
      agentry: "uncached",
      rotation: 64,
      request: (i) => graphql(agentryAgentDetail, { ref: ref(i % 64) }),
      floor: (i) => floor("agent-detail", { ref: ref(i % 64) }),
      peer: (i) => {
        const r = postgraphileAgentDetail(SOURCE, agentAt(i % 64, agents));
        return { path: "/graphql", body: JSON.stringify(r) };
      },
    },
    {
      name: "agents by tool",
      description: "a page of 50 agents that use a tool, with total count and each agent's tools",
      agentry: "uncached",
      rotation: TOOLS.length,
      request: (i) => graphql(AGENTS_BY_TOOL, { tool: TOOLS[i % TOOLS.length] }),
      floor: (i) => floor("agents-by-tool", { tool: TOOLS[i % TOOLS.length] }),
    },
    {
      name: "full-text search",
      description: "20 best matches of a rare word (or either of two), ranked, with total count",
      agentry: "uncached",
      rotation: TEXTS.length,
      request: (i) => graphql(SEARCH, { text: TEXTS[i % TEXTS.length] }),
      floor: (i) => floor("search", { text: TEXTS[i % TEXTS.length] }),
    },
  ];
  for (const depth of [1, 2, 3]) {
    // Uncached: every request a different root, on a server with the cache off.
    list.push({
      name: `agentGraph depth ${depth}, uncached`,
      description: `the graph ${depth} hop(s) around one agent (≤ 500 nodes), computed each time`,
      agentry: "uncached",
      rotation: 256,
      request: (i) => graphql(GRAPH, { roots: [ref(i % 256)], depth }),
      floor: (i) => floor("graph", { roots: [ref(i % 256)], depth }),
    });
    // Cached: 16 roots, each computed once in the warm-up, then served from the cache.
    list.push({
      name: `agentGraph depth ${depth}, cached`,
      description: `the same graphs from the in-memory cache (16 roots, warmed first)`,
      agentry: "cached",
      rotation: 16,
      warmup: 16,
      request: (i) => graphql(GRAPH, { roots: [ref(i % 16)], depth }),
    });
  }
  list.push({
    name: "{ __typename }",
    description: "the smallest GraphQL request: Agentry's server, and bare Yoga as the ceiling",
    agentry: "uncached",
    rotation: 1,
    request: () => graphql("{ __typename }", {}),
    ceiling: () => graphql("{ __typename }", {}),
  });
  return list;
}
