// Collaboration edges and their two ends. An end is either an Agent of the catalog or an
// UnresolvedAgent (a name no agent has yet, possibly with candidates): a union, so a frontend
// can draw the two differently.
import { encodeGlobalID } from "@pothos/plugin-relay";
import DataLoader from "dataloader";
import { type OpenEndKey, openEndIdentity, openEndsOf } from "../catalog/reads/graph.js";
import { COLLABORATION_KINDS, type CollaborationEdge } from "../catalog/reads/index.js";
import { AgentRef, knownAgent, loadAgent } from "./agent.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";
import { EvidenceRef } from "./facts.js";

export const CollaborationKindEnum = builder.enumType("CollaborationKind", {
  description: "What an edge between two agents says about them.",
  values: {
    HANDOFF: {
      value: "handoff",
      description: "`from` provides work to `to` (upstream/downstream sections).",
    },
    PEER: { value: "peer", description: "Work alongside (peer sections, 'Working with X'); undirected." },
    MENTION: { value: "mention", description: "The body names the other agent; a weak edge." },
  } as const,
});

export const KINDS_DESCRIPTION = `Only these kinds (default: all of ${COLLABORATION_KINDS.join(", ")}).`;

/**
 * An edge as agentGraph returns it: an edge to an open end carries that end's id, so that its
 * `UnresolvedAgent.id` needs no statement.
 */
export type GraphEdge = CollaborationEdge & { openEndIds?: { from?: string; to?: string } };

export interface UnresolvedAgent {
  kind: "unresolved";
  name: string;
  candidates: string[];
  /** The edge this is a side of, and which side (as the edge is shown). */
  edge: GraphEdge;
  side: "from" | "to";
}

/**
 * The id of an end that is not an agent (a name no agent has, a group): from its source, kind
 * and name, so the same in every graph and request. Not a global id `node(id:)` takes.
 */
export function openEndId(end: OpenEndKey): string {
  return encodeGlobalID("AgentGraphOpenEnd", openEndIdentity(end));
}

const openEndLoaders = new WeakMap<
  GraphQLContext,
  DataLoader<number, Awaited<ReturnType<typeof openEndsOf>>[number]>
>();

/** The open ends of edges by edge id, one statement per batch. */
function openEndLoader(ctx: GraphQLContext) {
  let loader = openEndLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((ids: readonly number[]) => openEndsOf(ctx.db, ctx.view, ids));
    openEndLoaders.set(ctx, loader);
  }
  return loader;
}

const UnresolvedAgentRef = builder.objectRef<UnresolvedAgent>("UnresolvedAgent").implement({
  description:
    "A name no agent of the source has (yet). It resolves by itself when such an agent is imported.",
  isTypeOf: (v) => (v as UnresolvedAgent).kind === "unresolved",
  fields: (t) => ({
    id: t.id({
      description:
        "A stable id from the stating agent's source, the kind (a name or a group) and the name: the same as the `AgentGraphOpenEnd.id` of this end in any `agentGraph`, and the same for every edge that names it. Not a global id: `node(id:)` does not take it.",
      resolve: async (u, _args, ctx) => {
        const known = u.edge.openEndIds?.[u.side];
        if (known) return known;
        // As stored: a peer shown from its other side has its sides swapped.
        const side = u.edge.reversed ? (u.side === "from" ? "to" : "from") : u.side;
        const end = (await openEndLoader(ctx).load(u.edge.id))?.[side];
        if (!end) throw new Error(`edge ${u.edge.id} has no unresolved ${side} side`);
        return openEndId(end);
      },
    }),
    name: t.exposeString("name", { description: "The name as written, in kebab-case." }),
    candidates: t.exposeStringList("candidates", {
      description: "Refs an ambiguous name could mean (several plugins have an agent by that name).",
    }),
  }),
});

export const CollaborationEndRef = builder.unionType("CollaborationEnd", {
  description: "One end of an edge: an agent of the catalog, or a name that resolves to none.",
  // A thunk: agent.ts and this file import each other, and the types are read at build time.
  types: () => [AgentRef, UnresolvedAgentRef],
  resolveType: (v) => ((v as UnresolvedAgent).kind === "unresolved" ? "UnresolvedAgent" : "Agent"),
});

const CollaborationAttributeRef = builder
  .objectRef<{ key: string; value: string }>("CollaborationAttribute")
  .implement({
    description:
      "A `**Key**: value` line nested under a collaboration entry: an attribute of the edge, not an agent.",
    fields: (t) => ({
      key: t.exposeString("key", {
        description: "The key in camelCase: `**Input Format**` is `inputFormat`.",
      }),
      value: t.exposeString("value", { description: "The text after the colon, trimmed." }),
    }),
  });

export const CollaborationRef = builder.objectRef<CollaborationEdge>("Collaboration").implement({
  description: "An edge between two agents, as stated in one agent's file.",
  fields: (t) => ({
    id: t.exposeID("id", {
      description:
        "The edge's id in the catalog (not a global id: `node(id:)` does not take it). It changes when the stating agent's file changes and is imported again.",
    }),
    kind: t.field({
      type: CollaborationKindEnum,
      description: "What the edge says.",
      resolve: (e) => e.kind,
    }),
    from: t.field({
      type: CollaborationEndRef,
      description: "For a handoff, the agent that provides the work.",
      resolve: (e, _args, ctx) => end(ctx, e.fromAgentId, e.fromName, e, "from"),
    }),
    to: t.field({
      type: CollaborationEndRef,
      description: "For a handoff, the agent that receives the work.",
      resolve: (e, _args, ctx) => end(ctx, e.toAgentId, e.toName, e, "to"),
    }),
    statedBy: t.field({
      type: AgentRef,
      description: "The agent whose file states this edge.",
      resolve: (e, _args, ctx) => loadAgent(ctx, e.statedBy),
    }),
    summary: t.exposeString("summary", { nullable: true, description: "The text after the arrow or colon." }),
    attributes: t.field({
      type: [CollaborationAttributeRef],
      description:
        "The entry's nested `**Key**: value` lines (Input Format, Quality Gate, Handoff Location…), in the order written.",
      resolve: (e) => Object.entries(e.attributes).map(([key, value]) => ({ key, value })),
    }),
    phase: t.exposeString("phase", {
      nullable: true,
      description: "The bold group above the entry, e.g. `Design Phase`.",
    }),
    section: t.exposeString("section", {
      nullable: true,
      description: "The heading the edge was read under.",
    }),
    evidence: t.field({
      type: EvidenceRef,
      description: "The line of `statedBy`'s file that states the edge.",
      resolve: (e) => e.evidence,
    }),
    directed: t.boolean({
      description:
        "Whether the edge points from `from` to `to`: true for handoffs and mentions, false for peers (which have no direction).",
      resolve: (e) => e.kind !== "peer",
    }),
  }),
});

function end(ctx: GraphQLContext, id: number | null, name: string, e: GraphEdge, side: "from" | "to") {
  if (id !== null) return knownAgent(ctx, id) ?? loadAgent(ctx, id);
  const unresolved: UnresolvedAgent = { kind: "unresolved", name, candidates: e.candidates, edge: e, side };
  return unresolved;
}
