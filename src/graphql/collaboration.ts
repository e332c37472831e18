// Collaboration edges and their two ends. An end is either an Agent of the catalog or an
// UnresolvedAgent (a name no agent has yet, possibly with candidates): a union, so a frontend
// can draw the two differently.
import { COLLABORATION_KINDS, type CollaborationEdge } from "../catalog/reads/index.js";
import { AgentRef, knownAgent, loadAgent } from "./agent.js";
import { builder } from "./builder.js";
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

export interface UnresolvedAgent {
  kind: "unresolved";
  name: string;
  candidates: string[];
}

const UnresolvedAgentRef = builder.objectRef<UnresolvedAgent>("UnresolvedAgent").implement({
  description:
    "A name no agent of the source has (yet). It resolves by itself when such an agent is imported.",
  isTypeOf: (v) => (v as UnresolvedAgent).kind === "unresolved",
  fields: (t) => ({
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
      resolve: (e, _args, ctx) => end(ctx, e.fromAgentId, e.fromName, e),
    }),
    to: t.field({
      type: CollaborationEndRef,
      description: "For a handoff, the agent that receives the work.",
      resolve: (e, _args, ctx) => end(ctx, e.toAgentId, e.toName, e),
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
  }),
});

function end(ctx: Parameters<typeof loadAgent>[0], id: number | null, name: string, e: CollaborationEdge) {
  if (id !== null) return knownAgent(ctx, id) ?? loadAgent(ctx, id);
  return { kind: "unresolved" as const, name, candidates: e.candidates };
}
