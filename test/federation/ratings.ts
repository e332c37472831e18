// A second subgraph for the federation tests, as another team would write it: "ratings" knows
// nothing of Agentry but an agent's ref. It adds `rating` and `runs` to Agent, and returns
// agents from its own root fields, which the gateway then completes from Agentry (`_entities`).
// Written with @apollo/subgraph and served by @apollo/server over HTTP on loopback.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

export const RATINGS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Agent @key(fields: "ref") {
  ref: String!
  rating: Int
  runs: [Run!]!
}

type Run {
  id: ID!
  agent: Agent!
  status: String!
  durationMs: Int!
}

type Query {
  "Agents by rating, best first."
  topRatedAgents(first: Int! = 10): [Agent!]!
  run(id: ID!): Run
}
`;

/** Ratings of the example catalog's agents (src/server/examples.ts loads examples/). */
export const RATINGS: Record<string, number> = {
  "acme-platform/api-designer": 98,
  "acme-platform/backend-engineer": 95,
  "acme-platform/security-reviewer": 91,
  "community-agents/query-optimizer": 88,
  "acme-platform/release-captain": 86,
  "acme-platform/docs-writer": 83,
  "community-agents/code-reviewer": 80,
  "acme-platform/qa-engineer": 77,
  "solo-dev/commit-helper": 74,
  "acme-platform/database-architect": 71,
  "community-agents/api-designer": 65,
  "acme-platform/frontend-engineer": 60,
};

export function ratingOf(ref: string): number | null {
  return RATINGS[ref] ?? null;
}

interface Run {
  id: string;
  agentRef: string;
  status: string;
  durationMs: number;
}

export const RUNS: Run[] = Object.keys(RATINGS).flatMap((ref, i) => [
  { id: `run-${i}-a`, agentRef: ref, status: "succeeded", durationMs: 1000 + i },
  { id: `run-${i}-b`, agentRef: ref, status: i % 3 === 0 ? "failed" : "succeeded", durationMs: 2000 + i },
]);

const byRating = Object.keys(RATINGS).sort((a, b) => RATINGS[b]! - RATINGS[a]!);

const resolvers = {
  Query: {
    topRatedAgents: (_: unknown, args: { first: number }) =>
      byRating.slice(0, args.first).map((ref) => ({ ref })),
    run: (_: unknown, args: { id: string }) => RUNS.find((r) => r.id === args.id) ?? null,
  },
  Agent: {
    __resolveReference: (agent: { ref: string }) => agent,
    rating: (agent: { ref: string }) => ratingOf(agent.ref),
    runs: (agent: { ref: string }) => RUNS.filter((r) => r.agentRef === agent.ref),
  },
  Run: {
    agent: (run: Run) => ({ ref: run.agentRef }),
  },
};

export function ratingsSchema() {
  return buildSubgraphSchema([{ typeDefs: parse(RATINGS_SDL), resolvers: resolvers as never }]);
}

/** Serves the ratings subgraph on an ephemeral loopback port; counts `_entities` requests. */
export async function startRatings(): Promise<{
  url: string;
  entityRequests: () => number;
  stop(): Promise<void>;
}> {
  let entityRequests = 0;
  const server = new ApolloServer({
    schema: ratingsSchema(),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart({ request }) {
          if (request.query?.includes("_entities")) entityRequests++;
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, entityRequests: () => entityRequests, stop: () => server.stop() };
}
