// The graph root fields, agentGraph (a neighbourhood ready for a graph view) and
// collaborationPath (the shortest chain of edges between two agents): arguments validated with
// zod, limits enforced, typed errors returned as union members, as in queries.ts.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { GraphQLResolveInfo } from "graphql";
import { z } from "zod";
import { batchedCatalogGeneration } from "../catalog/reads/generation.js";
import type { OpenEnd } from "../catalog/reads/graph.js";
import {
  agentGraph,
  COLLABORATION_KINDS,
  type CollaborationKind,
  collaborationPath,
  getAgentsByIds,
  getAgentsByRefs,
  NotFoundError,
  type PathStep,
} from "../catalog/reads/index.js";
import { viewKey } from "../catalog/reads/visibility.js";
import { AgentRef, knownAgent, loadAgent, rememberAgents } from "./agent.js";
import { builder } from "./builder.js";
import {
  CollaborationKindEnum,
  CollaborationRef,
  type GraphEdge,
  KINDS_DESCRIPTION,
  openEndId,
} from "./collaboration.js";
import type { GraphQLContext } from "./context.js";
import { GRAPH_EDGES_PER_NODE, graphCost, pathCost } from "./costs.js";
import { ERROR_TYPES } from "./errors.js";
import { LIMITS } from "./limits.js";
import { selects } from "./lookahead.js";
import { ref } from "./queries.js";

// agentGraph: nodes and edges ready for a graph view.

// What the graph cache stores (JSON): everything the fields below answer from, so that a hit
// answers every field of AgentGraph with no statement of its own.
interface GraphNodeResult {
  id: number;
  depth: number;
  /** Neighbours not in the graph. */
  hidden: number;
}

interface OpenEndResult {
  id: string;
  kind: OpenEnd["kind"];
  name: string;
  candidates: string[];
}

interface GraphResult {
  nodes: GraphNodeResult[];
  edges: GraphEdge[];
  /** The edges between a node and an open end, with the open end's id on that side. */
  openEdges: GraphEdge[];
  openEnds: OpenEndResult[];
  truncated: boolean;
  nodeBudget: number;
}

/** An agent's global id, as `Agent.id` writes it. */
const agentId = (id: number) => encodeGlobalID("Agent", id);

const GraphNodeRef = builder.objectRef<GraphNodeResult>("AgentGraphNode").implement({
  description: "An agent of the graph and its distance from the roots.",
  fields: (t) => ({
    id: t.id({
      description:
        "The agent's global id, the same as `agent { id }`: what `AgentGraphLink.from` and `.to` name.",
      resolve: (n) => agentId(n.id),
    }),
    depth: t.exposeInt("depth", { description: "Hops from the nearest root (0 for a root)." }),
    hiddenNeighbours: t.int({
      description:
        "How many distinct agents one edge from this one (over the kinds and direction asked) are not in the graph, left out by `depth` or the node budget: for a “+N” badge, 0 when all are in. Names no agent has and groups are not counted: they are in `openEnds`.",
      resolve: (n) => n.hidden,
    }),
    agent: t.field({
      type: AgentRef,
      description: "The agent.",
      resolve: (n, _args, ctx) => knownAgent(ctx, n.id) ?? loadAgent(ctx, n.id),
    }),
  }),
});

/**
 * A graph's nodes, loaded in one statement before its fields resolve, so that each node's
 * agent and each edge's ends resolve synchronously: a graph of 500 nodes and a few thousand
 * edges otherwise makes thousands of promises, which was most of a depth-3 request's time.
 */
async function withAgents(
  ctx: GraphQLContext,
  graph: GraphResult,
  info: GraphQLResolveInfo,
): Promise<GraphResult> {
  if (
    selects(info, ["nodes"], ["agent"]) ||
    selects(info, ["edges"], ["from", "to"]) ||
    selects(info, ["links"], ["collaborations"], ["from", "to"])
  )
    rememberAgents(
      ctx,
      await getAgentsByIds(
        ctx.db,
        ctx.view,
        graph.nodes.map((n) => n.id),
      ),
    );
  return graph;
}

/** The nodes agentGraph's cost expects for one root at the default depth (2). */
const DEFAULT_GRAPH_NODES = graphCost(1, 2).multiplier;

/**
 * AgentGraph.openEnds per node, for its cost: the example catalog has 0.1 (1 in the 10 nodes
 * at depth 2 from api-designer), 500 nodes of the synthetic catalog have none; one per node
 * leaves room for catalogs whose files name many agents they lack.
 */
const GRAPH_OPEN_ENDS_PER_NODE = 1;

const OpenEndKindEnum = builder.enumType("AgentGraphOpenEndKind", {
  description: "What an end of the graph that is not an agent is.",
  values: {
    UNRESOLVED: {
      value: "unresolved",
      description: "A name no agent of the source has (yet), as `UnresolvedAgent`.",
    },
    GROUP: {
      value: "group",
      description: "A group of agents (“All Agents”, “Product Team”): never an agent.",
    },
  } as const,
});

const OpenEndRef = builder.objectRef<OpenEndResult>("AgentGraphOpenEnd").implement({
  description:
    "An end of the graph's edges that is not an agent: a name no agent has, or a group. Drawn as a node a view cannot expand.",
  fields: (t) => ({
    id: t.exposeID("id", {
      description:
        "A stable id from the stating source, the kind and the name: the same end has the same id in every graph and request, and its edges' `UnresolvedAgent.id` is this id. Not a global id: `node(id:)` does not take it.",
    }),
    kind: t.field({
      type: OpenEndKindEnum,
      description: "A name no agent has, or a group.",
      resolve: (e) => e.kind,
    }),
    name: t.exposeString("name", {
      description: "The name as written, e.g. `Product Team` or `ghost-writer`.",
    }),
    candidates: t.exposeStringList("candidates", {
      description:
        "Refs an ambiguous name could mean (several plugins have an agent by that name); empty for a group.",
    }),
  }),
});

interface GraphLink {
  id: string;
  from: string;
  to: string;
  kinds: CollaborationKind[];
  count: number;
  directed: boolean;
  collaborations: GraphEdge[];
}

const LinkRef = builder.objectRef<GraphLink>("AgentGraphLink").implement({
  description:
    "An edge to draw: one collaboration, or with `links(merge: true)` every collaboration between two ends. Its ends are node ids (`AgentGraphNode.id`) or open-end ids (`AgentGraphOpenEnd.id`).",
  fields: (t) => ({
    id: t.exposeID("id", {
      description: "Stable for the same edge (unmerged) or the same pair of ends (merged); not a global id.",
    }),
    from: t.exposeID("from", {
      description:
        "The end the link leaves: a node's id or an open end's id. For a link that is not `directed`, just one of the two.",
    }),
    to: t.exposeID("to", { description: "The end the link reaches: a node's id or an open end's id." }),
    kinds: t.field({
      type: [CollaborationKindEnum],
      description: "The distinct kinds of its collaborations, in the order HANDOFF, PEER, MENTION.",
      // At most the three kinds (a router would assume 10).
      complexity: { field: 1, multiplier: 3 },
      resolve: (l) => l.kinds,
    }),
    count: t.exposeInt("count", { description: "How many collaborations it stands for (1 unmerged)." }),
    directed: t.exposeBoolean("directed", {
      description:
        "True when every collaboration of it points from `from` to `to` (handoffs and mentions); false for a peer, or a merged link whose edges point both ways or include a peer.",
    }),
    collaborations: t.field({
      type: [CollaborationRef],
      description: "The collaborations it stands for, by id: their evidence, statedBy, summary.",
      // Across the links they are the graph's edges, once each: one per link on average.
      complexity: { field: 0, multiplier: 1 },
      listSize: { assumedSize: 1 },
      resolve: (l) => l.collaborations,
    }),
  }),
});

const KIND_ORDER = new Map(COLLABORATION_KINDS.map((k, i) => [k, i]));

/** An edge's end as a link names it: a node's global id, or its open end's id. */
function endOf(e: GraphEdge, side: "from" | "to"): string {
  const id = side === "from" ? e.fromAgentId : e.toAgentId;
  if (id !== null) return agentId(id);
  const open = e.openEndIds?.[side];
  if (!open) throw new Error(`edge ${e.id} has no ${side} end in the graph`);
  return open;
}

/** The graph's links: one per edge, or with `merge` one per unordered pair of ends. */
function linksOf(g: GraphResult, merge: boolean): GraphLink[] {
  const all = [...g.edges, ...g.openEdges].sort((a, b) => a.id - b.id);
  if (!merge)
    return all.map((e) => ({
      id: encodeGlobalID("AgentGraphLink", String(e.id)),
      from: endOf(e, "from"),
      to: endOf(e, "to"),
      kinds: [e.kind],
      count: 1,
      directed: e.kind !== "peer",
      collaborations: [e],
    }));
  const byPair = new Map<string, GraphLink>();
  for (const e of all) {
    const from = endOf(e, "from");
    const to = endOf(e, "to");
    const pair = JSON.stringify(from < to ? [from, to] : [to, from]);
    const link = byPair.get(pair);
    if (!link) {
      // Drawn the way its first edge (by id) points.
      byPair.set(pair, {
        id: encodeGlobalID("AgentGraphLink", pair),
        from,
        to,
        kinds: [e.kind],
        count: 1,
        directed: e.kind !== "peer",
        collaborations: [e],
      });
      continue;
    }
    link.count++;
    link.collaborations.push(e);
    if (!link.kinds.includes(e.kind))
      link.kinds = [...link.kinds, e.kind].sort((a, b) => KIND_ORDER.get(a)! - KIND_ORDER.get(b)!);
    if (e.kind === "peer" || from !== link.from || to !== link.to) link.directed = false;
  }
  return [...byPair.values()];
}

const AgentGraphRef = builder.objectRef<GraphResult>("AgentGraph").implement({
  description: "The agents within `depth` hops of the roots and every edge among them.",
  fields: (t) => ({
    // agentGraph's cost already multiplies this selection by its estimated node count; a
    // router, which cannot, sizes these two lists at that estimate for the default arguments.
    nodes: t.field({
      type: [GraphNodeRef],
      description:
        "The agents reached, nearest first, then by id; the roots first, at depth 0. At most `nodeBudget`.",
      complexity: { field: 0, multiplier: 1 },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES },
      resolve: (g) => g.nodes,
    }),
    edges: t.field({
      type: [CollaborationRef],
      description:
        "Every edge of the kinds asked for between two agents of `nodes`, whichever way it points, by id. Edges to names no agent has are left out: `links` has them too, to the ends in `openEnds`.",
      complexity: { field: 0, multiplier: GRAPH_EDGES_PER_NODE },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES * GRAPH_EDGES_PER_NODE },
      resolve: (g) => g.edges,
    }),
    openEnds: t.field({
      type: [OpenEndRef],
      description:
        "The ends of handoffs and peers stated by the graph's agents that are not agents (names no agent has, groups), each once, by name. Their edges follow the direction asked, as nodes do; mentions of unknown names are not edges.",
      complexity: { field: 0, multiplier: GRAPH_OPEN_ENDS_PER_NODE },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES * GRAPH_OPEN_ENDS_PER_NODE },
      resolve: (g) => g.openEnds,
    }),
    links: t.field({
      type: [LinkRef],
      description:
        "The edges to draw: every edge of `edges`, and the handoffs and peers between a node and an open end, ordered by their first collaboration's id. One link per collaboration, or with `merge: true` one per unordered pair of ends.",
      args: {
        merge: t.arg.boolean({
          required: false,
          defaultValue: false,
          description:
            "One link per unordered pair of ends (its kinds, count and collaborations are those of every edge between them); false when omitted: one link per edge.",
        }),
      },
      complexity: { field: 0, multiplier: GRAPH_EDGES_PER_NODE },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES * GRAPH_EDGES_PER_NODE },
      resolve: (g, args) => linksOf(g, args.merge ?? false),
    }),
    truncated: t.exposeBoolean("truncated", {
      description: "More agents were reachable than the node budget allowed; the nearest were kept.",
      complexity: 0,
    }),
    nodeBudget: t.exposeInt("nodeBudget", {
      description: `The most agents a graph holds (${LIMITS.graphNodeBudget}); \`truncated\` says whether more were reachable.`,
      complexity: 0,
    }),
  }),
});

const DirectionEnum = builder.enumType("AgentGraphDirection", {
  description:
    "Which way `agentGraph` follows handoff and mention edges from the roots. Peer edges have no direction: they are followed both ways.",
  values: {
    OUT: { value: "out", description: "Follow edges from → to." },
    IN: { value: "in", description: "Follow edges to → from." },
    BOTH: { value: "both", description: "Either way." },
  } as const,
});

builder.queryField("agentGraph", (t) =>
  t.field({
    type: AgentGraphRef,
    description: `The collaboration graph around some agents, up to ${LIMITS.maxGraphDepth} hops and ${LIMITS.graphNodeBudget} agents.`,
    errors: {
      types: ERROR_TYPES,
      union: {
        name: "AgentGraphResult",
        description:
          "The graph, or why there is none: `AgentryNotFoundError` for a root that names no live agent, `AgentryInvalidInputError` for an argument out of range.",
      },
    },
    args: {
      roots: t.arg.stringList({
        required: true,
        description:
          'Refs (`source/name`) of the agents to start from, 1 to 20, e.g. `["acme-platform/api-designer"]`.',
        validate: z.array(ref).min(1, "give at least one root").max(20, "at most 20 roots"),
      }),
      depth: t.arg.int({
        required: false,
        defaultValue: 2,
        description: `Hops to follow from the roots, 0 (the roots alone) to ${LIMITS.maxGraphDepth}; 2 when omitted.`,
        validate: z.number().int().min(0).max(LIMITS.maxGraphDepth, `at most ${LIMITS.maxGraphDepth}`),
      }),
      kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      direction: t.arg({
        type: DirectionEnum,
        required: false,
        defaultValue: "both",
        description: "Which way to follow handoffs and mentions, `BOTH` when omitted.",
      }),
    },
    complexity: (args) => graphCost(args.roots?.length ?? 1, args.depth ?? 2),
    resolve: async (_root, args, ctx, info) => {
      const params = {
        roots: args.roots,
        depth: args.depth ?? 2,
        kinds: (args.kinds ?? null) as CollaborationKind[] | null,
        direction: args.direction ?? "both",
        nodeBudget: LIMITS.graphNodeBudget,
        // Two callers with different views never share a cached graph.
        view: viewKey(ctx.view),
        // What a cached value holds: graphs cached before hidden neighbours and open ends were.
        shape: 2,
        // Counted only when selected (a step more from every node): a value holds them or not.
        hidden: selects(info, ["nodes"], ["hiddenNeighbours"]),
      };
      const compute = async (): Promise<GraphResult> => {
        const roots = await getAgentsByRefs(ctx.db, ctx.view, params.roots);
        const missing = params.roots.find((_r, i) => !roots[i]);
        if (missing) throw new NotFoundError("agent", missing);
        const graph = await agentGraph(ctx.db, ctx.view, {
          rootIds: roots.map((r) => r!.id),
          depth: params.depth,
          ...(params.kinds ? { kinds: params.kinds } : {}),
          direction: params.direction,
          nodeBudget: params.nodeBudget,
          hiddenNeighbours: params.hidden,
        });
        const openEnds = graph.openEnds.map((e) => ({
          id: openEndId(e),
          kind: e.kind,
          name: e.name,
          candidates: e.candidates,
        }));
        return {
          nodes: graph.nodes.map((n, i) => ({ ...n, hidden: graph.hiddenNeighbours[i] ?? 0 })),
          edges: graph.edges,
          openEdges: graph.openEdges.map((o) => ({ ...o.edge, openEndIds: { [o.side]: openEndId(o.end) } })),
          openEnds,
          truncated: graph.truncated,
          nodeBudget: params.nodeBudget,
        };
      };
      if (!ctx.graphCache) return withAgents(ctx, await compute(), info);
      // The generation is read first: a graph cached before a write that committed since has
      // another key, so this request cannot see it.
      const key = await ctx.graphCache.key(await batchedCatalogGeneration(ctx.db), params);
      const graph = JSON.parse(
        await ctx.graphCache.get(key, async () => JSON.stringify(await compute())),
      ) as GraphResult;
      return withAgents(ctx, graph, info);
    },
  }),
);

// collaborationPath: the shortest chain of edges between two agents.

const PATH_DEPTH_DEFAULT = 4;
const PATH_DEPTH_MAX = 5;

const StepDirectionEnum = builder.enumType("CollaborationStepDirection", {
  description: "Which way a step of a path walks its edge.",
  values: {
    FORWARD: { value: "forward", description: "Walked from the edge's `from` to its `to`." },
    BACKWARD: { value: "backward", description: "Walked against the edge." },
  } as const,
});

const PathStepRef = builder.objectRef<PathStep>("CollaborationPathStep").implement({
  description: "One edge of a path, and which way it was walked.",
  fields: (t) => ({
    collaboration: t.field({
      type: CollaborationRef,
      description: "The edge walked.",
      resolve: (s) => s.edge,
    }),
    direction: t.field({
      type: StepDirectionEnum,
      description: "Whether the step walks the edge from its `from` to its `to`, or against it.",
      resolve: (s) => s.direction,
    }),
    from: t.field({
      type: AgentRef,
      description: "The agent the step leaves (the previous step's `to`).",
      resolve: (s, _args, ctx) => loadAgent(ctx, s.fromAgentId),
    }),
    to: t.field({
      type: AgentRef,
      description: "The agent the step reaches.",
      resolve: (s, _args, ctx) => loadAgent(ctx, s.toAgentId),
    }),
  }),
});

const CollaborationPathRef = builder
  .objectRef<{ agentIds: number[]; steps: PathStep[] }>("CollaborationPath")
  .implement({
    description:
      "A shortest chain of collaboration edges from one agent to another. Among chains of the same length, the same one is chosen every time.",
    fields: (t) => ({
      length: t.int({
        description: "The number of edges; 0 when `from` and `to` are the same agent.",
        resolve: (p) => p.steps.length,
      }),
      agents: t.field({
        type: [AgentRef],
        description: "The agents along the path, `from` first and `to` last (`length` + 1 of them).",
        resolve: (p, _args, ctx) => Promise.all(p.agentIds.map((id) => loadAgent(ctx, id))),
      }),
      steps: t.field({
        type: [PathStepRef],
        description: "The edges walked, in order from `from` to `to`.",
        resolve: (p) => p.steps,
      }),
    }),
  });

builder.queryField("collaborationPath", (t) =>
  t.field({
    type: CollaborationPathRef,
    nullable: true,
    description:
      "The shortest chain of collaboration edges from one agent to another; null when there is none.",
    errors: {
      types: ERROR_TYPES,
      union: {
        name: "CollaborationPathResult",
        description:
          "The path (null when there is none within `maxDepth`), or why the question has no answer: `AgentryNotFoundError` for a ref that names no live agent, `AgentryInvalidInputError` for an argument out of range.",
      },
    },
    args: {
      from: t.arg.string({
        required: true,
        description: "Ref of the agent the path starts at, e.g. `acme-platform/api-designer`.",
        validate: ref,
      }),
      to: t.arg.string({
        required: true,
        description: "Ref of the agent the path ends at, e.g. `acme-platform/docs-writer`.",
        validate: ref,
      }),
      kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      // At most 5 and 4 by default (it was 8 and 6): a walk between two agents with no path
      // took 1.7 s at 5 and over 5 s at 6 on 100,000 agents (costs.ts).
      maxDepth: t.arg.int({
        required: false,
        defaultValue: PATH_DEPTH_DEFAULT,
        description: `The longest path looked for, in edges, 1 to ${PATH_DEPTH_MAX}; ${PATH_DEPTH_DEFAULT} when omitted. The query's cost grows with it.`,
        validate: z.number().int().min(1).max(PATH_DEPTH_MAX, `at most ${PATH_DEPTH_MAX}`),
      }),
      directed: t.arg.boolean({
        required: false,
        defaultValue: false,
        description:
          "Follow edges only from → to (peers either way); false when omitted: any edge, either way.",
      }),
    },
    complexity: (args) => pathCost(args.maxDepth ?? PATH_DEPTH_DEFAULT),
    resolve: async (_root, args, ctx) => {
      const [from, to] = await getAgentsByRefs(ctx.db, ctx.view, [args.from, args.to]);
      if (!from) throw new NotFoundError("agent", args.from);
      if (!to) throw new NotFoundError("agent", args.to);
      return collaborationPath(ctx.db, ctx.view, from.id, to.id, {
        maxDepth: args.maxDepth ?? PATH_DEPTH_DEFAULT,
        directed: args.directed ?? false,
        ...(args.kinds ? { kinds: args.kinds as CollaborationKind[] } : {}),
      });
    },
  }),
);
