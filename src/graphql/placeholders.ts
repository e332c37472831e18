// Stand-ins for entities a gateway asks about by key that match nothing live here (an agent
// deleted since another subgraph stored its ref, or a ref mistyped there). Federation returns
// `null` for such a representation, and another team's `agents: [Agent!]!` then loses its
// whole list, and the null climbs to the nearest nullable field above it: one stale ref emptied
// a gateway page (docs/decisions/0020). A placeholder keeps the rest of that page: its `ref`
// is the one asked for, `placeholder` is true, every list is empty, every nullable field null,
// `revision` 0 and its dates the Unix epoch. Only `_entities` answers placeholders: `agent`,
// `node` and `nodes` keep answering AgentryNotFoundError or null.
import type { AgentSummary } from "../catalog/reads/index.js";
import type { SourceRow } from "./source.js";

const EPOCH = new Date(0);
const placeholders = new WeakSet<object>();

/** Whether this agent or source is a stand-in (see above). */
export function isPlaceholder(value: object): boolean {
  return placeholders.has(value);
}

/** An agent for a ref that names no live agent; id 0, which no row has. */
export function placeholderAgent(ref: string): AgentSummary {
  const slash = ref.indexOf("/");
  const source = slash > 0 ? ref.slice(0, slash) : "";
  const name = slash > 0 ? ref.slice(slash + 1) : ref;
  const agent: AgentSummary = {
    id: 0,
    ref,
    source,
    sourceId: 0,
    namespace: "",
    name,
    stem: name,
    description: null,
    model: null,
    color: null,
    toolsMode: "inherit",
    fileId: 0,
    path: "",
    revisionId: 0,
    revisionNumber: 0,
    createdAt: EPOCH,
    updatedAt: EPOCH,
  };
  placeholders.add(agent);
  return agent;
}

/** A source for a name that names no source; id 0. */
export function placeholderSource(name: string): SourceRow {
  const source: SourceRow = {
    id: 0,
    name,
    generation: 0,
    agentCount: 0,
    updatedAt: EPOCH.toISOString(),
    visibility: "public",
  };
  placeholders.add(source);
  return source;
}
