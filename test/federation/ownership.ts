// A subgraph that extends Agentry's `Agent` by ref, as a platform team writes one: "ownership"
// says which team owns which agents. Its lists are `[Agent!]!` of refs it stored some time ago,
// so they can name an agent Agentry no longer has (renamed, deleted): `acme-platform/retired-
// architect` below. A team "synthetic" owns 1,000 agents, so that a gateway sends Agentry one
// `_entities` batch of 1,000 refs. Written with @apollo/subgraph, served on loopback.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { agentName } from "../../bench/synthetic.js";

export const OWNERSHIP_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Agent @key(fields: "ref") {
  ref: String!
  owner: Team
}

type Team @key(fields: "name") {
  name: String!
  slack: String!
  agents: [Agent!]!
}

type Query {
  team(name: String!): Team
  teams: [Team!]!
}
`;

/** The ref in platform's list that no catalog has. */
export const UNKNOWN_REF = "acme-platform/retired-architect";

/** How many synthetic agents (source "syn", bench/synthetic.ts) the "synthetic" team owns. */
export const SYNTHETIC_AGENTS = 1000;
export const syntheticRefs = (n = SYNTHETIC_AGENTS) =>
  Array.from({ length: n }, (_, i) => `syn/${agentName(i)}`);

export const TEAMS: { name: string; slack: string; agents: string[] }[] = [
  {
    name: "platform",
    slack: "#platform",
    agents: [
      "acme-platform/api-designer",
      "acme-platform/backend-engineer",
      UNKNOWN_REF,
      "acme-platform/release-captain",
    ],
  },
  {
    name: "community",
    slack: "#community",
    agents: [
      "community-agents/api-designer",
      "community-agents/code-reviewer",
      "community-agents/query-optimizer",
    ],
  },
  { name: "synthetic", slack: "#synthetic", agents: syntheticRefs() },
];

const teamOf = (ref: string) => TEAMS.find((t) => t.agents.includes(ref)) ?? null;
const team = (name: string) => TEAMS.find((t) => t.name === name) ?? null;

const resolvers = {
  Query: {
    team: (_: unknown, args: { name: string }) => team(args.name),
    teams: () => TEAMS,
  },
  Team: {
    __resolveReference: ({ name }: { name: string }) => team(name),
    agents: (t: (typeof TEAMS)[number]) => t.agents.map((ref) => ({ ref })),
  },
  Agent: {
    __resolveReference: (agent: { ref: string }) => agent,
    owner: (agent: { ref: string }) => teamOf(agent.ref),
  },
};

export function ownershipSchema() {
  return buildSubgraphSchema([{ typeDefs: parse(OWNERSHIP_SDL), resolvers: resolvers as never }]);
}

/** Serves the ownership subgraph on an ephemeral loopback port; counts the requests it gets. */
export async function startOwnership(): Promise<{
  url: string;
  requests: () => number;
  stop(): Promise<void>;
}> {
  let requests = 0;
  const server = new ApolloServer({
    schema: ownershipSchema(),
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
