// One agentGraph answer as nodes and links to draw. The server's merged links and open ends
// when it has them (links(merge: true), openEnds, hiddenNeighbours); from a server older than
// those, its edges between agents, merged here the same way.
import { ApiError, run } from "./api.js";
import type { CollaborationKind } from "./gql/graphql.js";
import { type GLink, type GNode, mergeEdges } from "./model.js";
import { AgentGraph, AgentGraphEdges } from "./queries.js";

export interface GraphPart {
  truncated: boolean;
  nodes: GNode[];
  links: GLink[];
}

/** Set once a server has refused `links`: later graphs ask for edges at once. */
let legacy = false;

export async function fetchGraph(
  roots: string[],
  depth: number,
  kinds: CollaborationKind[],
  asRoots: boolean,
): Promise<GraphPart> {
  if (!legacy) {
    try {
      const g = (await run(AgentGraph, { roots, depth, kinds })).agentGraph;
      if (g.__typename !== "AgentGraph") throw new ApiError(g.message, g.__typename);
      return {
        truncated: g.truncated,
        nodes: [
          ...g.nodes.map(
            (n): GNode => ({
              id: n.id,
              kind: "agent",
              label: n.agent.name,
              ref: n.agent.ref,
              source: n.agent.source.name,
              depth: asRoots ? n.depth : null,
              root: asRoots && n.depth === 0,
              hidden: n.hiddenNeighbours,
              candidates: [],
            }),
          ),
          ...g.openEnds.map(
            (e): GNode => ({
              id: e.id,
              kind: e.kind === "GROUP" ? "group" : "unresolved",
              label: e.name,
              ref: null,
              source: null,
              depth: null,
              root: false,
              hidden: 0,
              candidates: e.candidates,
            }),
          ),
        ],
        links: g.links.map((l) => ({ ...l, kinds: [...l.kinds] })),
      };
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "GRAPHQL_VALIDATION_FAILED")) throw e;
      legacy = true;
    }
  }
  const g = (await run(AgentGraphEdges, { roots, depth, kinds })).agentGraph;
  if (g.__typename !== "AgentGraph") throw new ApiError(g.message, g.__typename);
  const edges = g.edges.flatMap((e) =>
    e.from.__typename === "Agent" && e.to.__typename === "Agent"
      ? [{ id: e.id, kind: e.kind, from: e.from.id, to: e.to.id }]
      : [],
  );
  return {
    truncated: g.truncated,
    nodes: g.nodes.map((n) => ({
      id: n.agent.id,
      kind: "agent",
      label: n.agent.name,
      ref: n.agent.ref,
      source: n.agent.source.name,
      depth: asRoots ? n.depth : null,
      root: asRoots && n.depth === 0,
      hidden: 0,
      candidates: [],
    })),
    links: mergeEdges(edges),
  };
}
