// Every root field of Query (but `node`/`nodes`, in node.ts, and `sources`, in
// source.ts) is defined here: arguments are validated with zod, limits enforced, and typed
// errors returned as union members.
import type { GraphQLResolveInfo } from "graphql";
import { z } from "zod";
import { batchedCatalogGeneration } from "../catalog/reads/generation.js";
import {
  agentGraph,
  type CollaborationKind,
  collaborationPath,
  getAgentByRef,
  getAgentsByIds,
  getAgentsByRefs,
  listAgents,
  NotFoundError,
  type PathStep,
  type UnresolvedReference,
  unresolvedReferences,
} from "../catalog/reads/index.js";
import { AgentRef, knownAgent, loadAgent, ModelFamilyEnum, rememberAgents } from "./agent.js";
import { builder } from "./builder.js";
import { CollaborationKindEnum, CollaborationRef, KINDS_DESCRIPTION } from "./collaboration.js";
import { asInput, connectionOf, pageArgs } from "./connections.js";
import type { GraphQLContext } from "./context.js";
import { COST, GRAPH_EDGES_PER_NODE, graphCost, pageCost, pathCost } from "./costs.js";
import { ERROR_TYPES } from "./errors.js";
import { EvidenceRef } from "./facts.js";
import { LIMITS } from "./limits.js";
import { selects } from "./lookahead.js";

const ref = z
  .string()
  .trim()
  .regex(/^[^/\s]+\/[^/\s]+$/, "a ref is `source/name`, e.g. `acme-platform/api-designer`");

builder.queryField("agent", (t) =>
  t.field({
    type: AgentRef,
    description: "One agent by its ref, `source/name`.",
    errors: { types: ERROR_TYPES, union: { name: "AgentResult" } },
    args: { ref: t.arg.string({ required: true, validate: ref }) },
    resolve: async (_root, args, ctx) => {
      const agent = await getAgentByRef(ctx.db, args.ref);
      if (!agent) throw new NotFoundError("agent", args.ref);
      return agent;
    },
  }),
);

const AgentOrderEnum = builder.enumType("AgentOrder", {
  values: {
    NAME: { description: "By name (byte order), then id." },
    UPDATED_AT: { description: "Most recently changed first." },
    RELEVANCE: { description: "Best full-text match first; needs `filter.text`." },
  } as const,
});

const AgentFilterInput = builder.inputType("AgentFilter", {
  fields: (t) => ({
    source: t.string({ required: false, description: "A source name." }),
    namespace: t.string({
      required: false,
      description: "A plugin namespace; empty string for agents outside plugins.",
    }),
    modelFamily: t.field({ type: ModelFamilyEnum, required: false }),
    tool: t.string({ required: false, description: "Agents that list this tool, in any tier." }),
    skill: t.string({ required: false, description: "Agents that name this skill." }),
    color: t.string({ required: false }),
    text: t.string({
      required: false,
      description:
        'Full-text search, web-search syntax ("a phrase", -excluded, or), weighing the name, then the description, then the body. An agent the text names exactly (its name as declared, kebab-case or not, or its ref `source/name`) always matches and ranks first.',
      validate: z.string().max(200, "at most 200 characters"),
    }),
  }),
});

builder.queryField("agents", (t) =>
  t.connection(
    {
      type: AgentRef,
      description: "Agents matching a filter, in pages.",
      args: {
        filter: t.arg({ type: AgentFilterInput, required: false }),
        orderBy: t.arg({ type: AgentOrderEnum, required: false, defaultValue: "NAME" }),
      },
      validate: pageArgs,
      complexity: (args) => {
        if (args.filter?.text) {
          const page = pageCost(COST.agentsSearch, args.first);
          return { ...page, field: page.field + COST.agentsSearchRow * page.multiplier };
        }
        return pageCost(args.orderBy === "UPDATED_AT" ? COST.agentsByUpdate : COST.agentsPage, args.first);
      },
      resolve: async (_root, args, ctx) => {
        const filter = Object.fromEntries(
          Object.entries(args.filter ?? {}).filter(([, v]) => v !== null && v !== undefined),
        );
        const page = await asInput(() =>
          listAgents(ctx.db, {
            filter,
            orderBy: args.orderBy ?? "NAME",
            first: args.first ?? 20,
            after: args.after ?? null,
          }),
        );
        return connectionOf(page);
      },
    },
    {
      name: "AgentConnection",
      fields: (c) => ({
        totalCount: c.int({ resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }),
      }),
    },
    { name: "AgentEdge" },
  ),
);

// agentGraph: nodes and edges ready for a graph view.

interface GraphResult {
  nodes: { id: number; depth: number }[];
  edges: Awaited<ReturnType<typeof agentGraph>>["edges"];
  truncated: boolean;
  nodeBudget: number;
}

const GraphNodeRef = builder.objectRef<{ id: number; depth: number }>("AgentGraphNode").implement({
  fields: (t) => ({
    depth: t.exposeInt("depth", { description: "Hops from the nearest root (0 for a root)." }),
    agent: t.field({
      type: AgentRef,
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
  if (selects(info, ["nodes"], ["agent"]) || selects(info, ["edges"], ["from", "to"]))
    rememberAgents(
      ctx,
      await getAgentsByIds(
        ctx.db,
        graph.nodes.map((n) => n.id),
      ),
    );
  return graph;
}

/** The nodes agentGraph's cost expects for one root at the default depth (2). */
const DEFAULT_GRAPH_NODES = graphCost(1, 2).multiplier;

const AgentGraphRef = builder.objectRef<GraphResult>("AgentGraph").implement({
  description: "The agents within `depth` hops of the roots and every edge among them.",
  fields: (t) => ({
    // agentGraph's cost already multiplies this selection by its estimated node count; a
    // router, which cannot, sizes these two lists at that estimate for the default arguments.
    nodes: t.field({
      type: [GraphNodeRef],
      complexity: { field: 0, multiplier: 1 },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES },
      resolve: (g) => g.nodes,
    }),
    edges: t.field({
      type: [CollaborationRef],
      complexity: { field: 0, multiplier: GRAPH_EDGES_PER_NODE },
      listSize: { assumedSize: DEFAULT_GRAPH_NODES * GRAPH_EDGES_PER_NODE },
      resolve: (g) => g.edges,
    }),
    truncated: t.exposeBoolean("truncated", {
      description: "More agents were reachable than the node budget allowed; the nearest were kept.",
      complexity: 0,
    }),
    nodeBudget: t.exposeInt("nodeBudget", { complexity: 0 }),
  }),
});

const DirectionEnum = builder.enumType("AgentGraphDirection", {
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
    errors: { types: ERROR_TYPES, union: { name: "AgentGraphResult" } },
    args: {
      roots: t.arg.stringList({
        required: true,
        description: "Refs of the root agents.",
        validate: z.array(ref).min(1, "give at least one root").max(20, "at most 20 roots"),
      }),
      depth: t.arg.int({
        required: false,
        defaultValue: 2,
        validate: z.number().int().min(0).max(LIMITS.maxGraphDepth, `at most ${LIMITS.maxGraphDepth}`),
      }),
      kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      direction: t.arg({ type: DirectionEnum, required: false, defaultValue: "both" }),
    },
    complexity: (args) => graphCost(args.roots?.length ?? 1, args.depth ?? 2),
    resolve: async (_root, args, ctx, info) => {
      const params = {
        roots: args.roots,
        depth: args.depth ?? 2,
        kinds: (args.kinds ?? null) as CollaborationKind[] | null,
        direction: args.direction ?? "both",
        nodeBudget: LIMITS.graphNodeBudget,
      };
      const compute = async (): Promise<GraphResult> => {
        const roots = await getAgentsByRefs(ctx.db, params.roots);
        const missing = params.roots.find((_r, i) => !roots[i]);
        if (missing) throw new NotFoundError("agent", missing);
        const graph = await agentGraph(ctx.db, {
          rootIds: roots.map((r) => r!.id),
          depth: params.depth,
          ...(params.kinds ? { kinds: params.kinds } : {}),
          direction: params.direction,
          nodeBudget: params.nodeBudget,
        });
        return {
          nodes: graph.nodes,
          edges: graph.edges,
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
  values: {
    FORWARD: { value: "forward", description: "Walked from the edge's `from` to its `to`." },
    BACKWARD: { value: "backward", description: "Walked against the edge." },
  } as const,
});

const PathStepRef = builder.objectRef<PathStep>("CollaborationPathStep").implement({
  fields: (t) => ({
    collaboration: t.field({ type: CollaborationRef, resolve: (s) => s.edge }),
    direction: t.field({ type: StepDirectionEnum, resolve: (s) => s.direction }),
    from: t.field({ type: AgentRef, resolve: (s, _args, ctx) => loadAgent(ctx, s.fromAgentId) }),
    to: t.field({ type: AgentRef, resolve: (s, _args, ctx) => loadAgent(ctx, s.toAgentId) }),
  }),
});

const CollaborationPathRef = builder
  .objectRef<{ agentIds: number[]; steps: PathStep[] }>("CollaborationPath")
  .implement({
    fields: (t) => ({
      length: t.int({ resolve: (p) => p.steps.length }),
      agents: t.field({
        type: [AgentRef],
        resolve: (p, _args, ctx) => Promise.all(p.agentIds.map((id) => loadAgent(ctx, id))),
      }),
      steps: t.field({ type: [PathStepRef], resolve: (p) => p.steps }),
    }),
  });

builder.queryField("collaborationPath", (t) =>
  t.field({
    type: CollaborationPathRef,
    nullable: true,
    description:
      "The shortest chain of collaboration edges from one agent to another; null when there is none.",
    errors: { types: ERROR_TYPES, union: { name: "CollaborationPathResult" } },
    args: {
      from: t.arg.string({ required: true, validate: ref }),
      to: t.arg.string({ required: true, validate: ref }),
      kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      // At most 5 and 4 by default (it was 8 and 6): a walk between two agents with no path
      // took 1.7 s at 5 and over 5 s at 6 on 100,000 agents (costs.ts).
      maxDepth: t.arg.int({
        required: false,
        defaultValue: PATH_DEPTH_DEFAULT,
        validate: z.number().int().min(1).max(PATH_DEPTH_MAX, `at most ${PATH_DEPTH_MAX}`),
      }),
      directed: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: "Follow edges only from → to (peers either way).",
      }),
    },
    complexity: (args) => pathCost(args.maxDepth ?? PATH_DEPTH_DEFAULT),
    resolve: async (_root, args, ctx) => {
      const [from, to] = await getAgentsByRefs(ctx.db, [args.from, args.to]);
      if (!from) throw new NotFoundError("agent", args.from);
      if (!to) throw new NotFoundError("agent", args.to);
      return collaborationPath(ctx.db, from.id, to.id, {
        maxDepth: args.maxDepth ?? PATH_DEPTH_DEFAULT,
        directed: args.directed ?? false,
        ...(args.kinds ? { kinds: args.kinds as CollaborationKind[] } : {}),
      });
    },
  }),
);

// unresolvedReferences: names that point at nothing yet.

const UnresolvedKindEnum = builder.enumType("UnresolvedKind", {
  values: {
    COLLABORATOR: { value: "collaborator" },
    SKILL: { value: "skill" },
    COMMAND: { value: "command" },
    GROUP: { value: "group" },
  } as const,
});

const UnresolvedReferenceRef = builder.objectRef<UnresolvedReference>("UnresolvedReference").implement({
  description: "A reference in an agent's file that matches nothing in its source (yet).",
  fields: (t) => ({
    kind: t.field({ type: UnresolvedKindEnum, resolve: (u) => u.kind }),
    name: t.exposeString("name", { description: "As written: an agent or skill name, or a command." }),
    candidates: t.exposeStringList("candidates", {
      description: "For an ambiguous name, the refs it could mean.",
    }),
    agent: t.field({ type: AgentRef, resolve: (u, _args, ctx) => loadAgent(ctx, u.agentId) }),
    evidence: t.field({ type: EvidenceRef, nullable: true, resolve: (u) => u.evidence }),
  }),
});

builder.queryField("unresolvedReferences", (t) =>
  t.connection(
    {
      type: UnresolvedReferenceRef,
      description: "References that point at nothing, in pages: collaborators, skills and commands.",
      args: { source: t.arg.string({ required: false }) },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.unresolvedPage, args.first),
      resolve: async (_root, args, ctx) => {
        const page = await asInput(() =>
          unresolvedReferences(ctx.db, {
            ...(args.source ? { source: args.source } : {}),
            first: args.first ?? 20,
            after: args.after ?? null,
          }),
        );
        return connectionOf(page);
      },
    },
    {
      name: "UnresolvedReferenceConnection",
      fields: (c) => ({
        totalCount: c.int({ resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }),
      }),
    },
    { name: "UnresolvedReferenceEdge" },
  ),
);
