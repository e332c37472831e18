// The agent-detail query on both sides of the PostGraphile benchmark: Agentry's, and the
// PostGraphile v5 query (served by bench/peers/postgraphile.ts) that reads the same rows.

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** Agentry: an agent by ref, its tools and skills, and its collaborators two levels deep. */
export const agentryAgentDetail = `query AgentDetail($ref: String!) {
  agent(ref: $ref) { ... on Agent {
    ref name description model { raw }
    tools { name tier } skills { name }
    collaborators { kind to { ... on Agent {
      ref name tools { name tier } skills { name }
      collaborators { kind to { ... on Agent { ref name tools { name tier } skills { name } } } }
    } } }
  } }
}`;

export function agentryAgentDetailRequest(sourceName: string, agentName: string): GraphQLRequest {
  return { query: agentryAgentDetail, variables: { ref: `${sourceName}/${agentName}` } };
}

/**
 * The same read in PostGraphile, in one request. What maps to what:
 * - `agent(ref)`: the source by its unique name, then its live agent of that name
 *   (`sources.name`, unique `(source_id, name)`, `deleted_at is null`).
 * - `ref`: `source/name`, so every agent also reads its source's name.
 * - `tools`: agent_tools ordered by position, with the tool's name, and the tier.
 * - `skills`: agent_skills names ordered by position.
 * - `collaborators`: as Agentry's edges, which are the collaborations that start at the agent
 *   (`from_agent_id`, not `agent_id`: an agent's file also states edges that end at it), less
 *   mentions that resolved to no agent (the `resolved` condition the peer adds), plus the peer
 *   edges that other agents state towards it, whose other end is `from`. `to`/`from` follow the
 *   `@foreignKey` smart tags on to_agent_id and from_agent_id. Order: kind, then id (Agentry
 *   orders kinds handoff, peer, mention; here mention comes before peer).
 */
export const postgraphileAgentDetailQuery = `query AgentDetail($source: String!, $name: String!) {
  sourceByName(name: $source) {
    agentsBySourceId(condition: { name: $name, deletedAt: null }, first: 1) {
      nodes {
        ...Facts
        description
        modelRaw
        collaborators: collaborationsByFromAgentId(condition: { resolved: true }, orderBy: [KIND_ASC, ROW_ID_ASC]) {
          nodes { kind to: agentByToAgentId { ...Collaborator } }
        }
        incomingPeers: collaborationsByToAgentId(condition: { kind: "peer" }, orderBy: [ROW_ID_ASC]) {
          nodes { kind from: agentByFromAgentId { ...Collaborator } }
        }
      }
    }
  }
}

fragment Collaborator on Agent {
  ...Facts
  collaborators: collaborationsByFromAgentId(condition: { resolved: true }, orderBy: [KIND_ASC, ROW_ID_ASC]) {
    nodes { kind to: agentByToAgentId { ...Facts } }
  }
  incomingPeers: collaborationsByToAgentId(condition: { kind: "peer" }, orderBy: [ROW_ID_ASC]) {
    nodes { kind from: agentByFromAgentId { ...Facts } }
  }
}

fragment Facts on Agent {
  name
  sourceBySourceId { name }
  agentToolsByAgentId(orderBy: [POSITION_ASC]) { nodes { tier toolByToolId { name } } }
  agentSkillsByAgentId(orderBy: [POSITION_ASC]) { nodes { name } }
}`;

export function postgraphileAgentDetail(sourceName: string, agentName: string): GraphQLRequest {
  return { query: postgraphileAgentDetailQuery, variables: { source: sourceName, name: agentName } };
}
