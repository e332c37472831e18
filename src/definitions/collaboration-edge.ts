// One collaboration edge from a direction and a named target, with the stating agent on the
// side the direction gives it.
import type { NamedTarget } from "./agent-names.js";
import type { Direction } from "./collaboration-verbs.js";
import type { Collaboration, Evidence } from "./types.js";

export type Push = (e: Collaboration) => void;

export interface Where {
  evidence: Evidence;
  section: string | null;
  summary?: string | null;
  phase?: string | null;
}

/** self → target (out), target → self (in), or a peer edge stated by self. */
export function edgeTo(
  direction: Direction | "mention",
  self: string,
  target: NamedTarget,
  where: Where,
): Collaboration {
  const incoming = direction === "in";
  const kind = direction === "mention" ? "mention" : direction === "peer" ? "peer" : "handoff";
  return edgeBetween(kind, incoming ? target : null, incoming ? null : target, self, where);
}

/** An edge whose sides may both be other agents (a → b in a worked example); null is self. */
export function edgeBetween(
  kind: Collaboration["kind"],
  from: NamedTarget | null,
  to: NamedTarget | null,
  self: string,
  where: Where,
): Collaboration {
  const e: Collaboration = {
    kind,
    from: from?.name ?? self,
    to: to?.name ?? self,
    summary: where.summary ?? null,
    attributes: {},
    phase: where.phase ?? null,
    section: where.section,
    evidence: where.evidence,
  };
  if (from) side(e, "from", from);
  if (to) side(e, "to", to);
  return e;
}

function side(e: Collaboration, which: "from" | "to", t: NamedTarget): void {
  if (t.group) e[which === "from" ? "fromKind" : "toKind"] = "group";
  if (t.written !== t.name) e[which === "from" ? "fromText" : "toText"] = t.written;
}
