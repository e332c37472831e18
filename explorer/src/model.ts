// The graph the page draws, merged from every agentGraph answer it asked for (the roots'
// neighbourhood, each expanded node's, a path's agents): nodes by id, links by id.
import type { CollaborationKind } from "./gql/graphql.js";

export type NodeKind = "agent" | "unresolved" | "group";

export interface GNode {
  id: string;
  kind: NodeKind;
  /** The agent's name, or the unresolved name as written. */
  label: string;
  ref: string | null;
  source: string | null;
  /** Hops from the nearest root; null for nodes only a path or an expansion brought in. */
  depth: number | null;
  root: boolean;
  /** Adjacent agents not drawn (AgentGraphNode.hiddenNeighbours), 0 when unknown. */
  hidden: number;
  candidates: string[];
}

export interface GLink {
  id: string;
  from: string;
  to: string;
  kinds: CollaborationKind[];
  /** How many collaborations the link stands for. */
  count: number;
  directed: boolean;
}

export class GraphModel {
  readonly nodes = new Map<string, GNode>();
  readonly links = new Map<string, GLink>();
  truncated = false;

  addNode(node: GNode): void {
    const known = this.nodes.get(node.id);
    if (!known) {
      this.nodes.set(node.id, node);
      return;
    }
    // The nearest depth and the root flag win. Each answer counts the neighbours it left out;
    // the union leaves out at most the fewest of them.
    known.root ||= node.root;
    if (node.depth !== null && (known.depth === null || node.depth < known.depth)) known.depth = node.depth;
    known.hidden = Math.min(known.hidden, node.hidden);
    known.ref ??= node.ref;
    known.source ??= node.source;
  }

  addLink(link: GLink): void {
    if (!this.nodes.has(link.from) || !this.nodes.has(link.to)) return;
    const known = this.links.get(link.id);
    if (!known) {
      this.links.set(link.id, link);
      return;
    }
    for (const k of link.kinds) if (!known.kinds.includes(k)) known.kinds.push(k);
    known.count = Math.max(known.count, link.count);
  }

  byRef(ref: string): GNode | undefined {
    for (const n of this.nodes.values()) if (n.ref === ref) return n;
    return undefined;
  }

  counts(): { agents: number; openEnds: number; links: number; collaborations: number } {
    let agents = 0;
    for (const n of this.nodes.values()) if (n.kind === "agent") agents++;
    let collaborations = 0;
    for (const l of this.links.values()) collaborations += l.count;
    return { agents, openEnds: this.nodes.size - agents, links: this.links.size, collaborations };
  }
}

const STRENGTH: Record<CollaborationKind, number> = { HANDOFF: 0, PEER: 1, MENTION: 2 };

/** The strongest kind of a link decides its colour and line. */
export function mainKind(kinds: readonly CollaborationKind[]): CollaborationKind {
  return [...kinds].sort((a, b) => STRENGTH[a] - STRENGTH[b])[0] ?? "MENTION";
}

/**
 * Collaborations merged into links as `links(merge: true)` does, for answers without it:
 * one link per ordered pair for handoffs and mentions, per unordered pair for peers, and the
 * two merged when they join the same ends.
 */
export function mergeEdges(
  edges: readonly { id: string; kind: CollaborationKind; from: string; to: string }[],
): GLink[] {
  const byKey = new Map<string, GLink>();
  for (const e of edges) {
    const directed = e.kind !== "PEER";
    const [a, b] = directed || e.from < e.to ? [e.from, e.to] : [e.to, e.from];
    const key = `${a}\u0000${b}`;
    const known = byKey.get(key);
    if (known) {
      if (!known.kinds.includes(e.kind)) known.kinds.push(e.kind);
      known.count++;
      known.directed ||= directed;
    } else byKey.set(key, { id: `link:${a}:${b}`, from: a, to: b, kinds: [e.kind], count: 1, directed });
  }
  return [...byKey.values()];
}
