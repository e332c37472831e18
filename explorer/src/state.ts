// What the page shows, held in the URL's query string so that a link or a reload shows the
// same thing: /explore?roots=a/b,c/d&depth=2&kinds=HANDOFF,PEER&expand=..&sel=..&from=..&to=..
import type { CollaborationKind } from "./gql/graphql.js";

export const KINDS: readonly CollaborationKind[] = ["HANDOFF", "PEER", "MENTION"];
export const TABS = ["details", "path", "compare", "problems"] as const;
export type Tab = (typeof TABS)[number];

export interface ViewState {
  /** Refs the graph starts from (agentGraph's roots), at most 20. */
  roots: string[];
  depth: number;
  kinds: CollaborationKind[];
  /** Refs whose neighbourhood (depth 1) was added to the graph. */
  expanded: string[];
  /** The ref shown in the details panel. */
  selected: string | null;
  pathFrom: string | null;
  pathTo: string | null;
  /** The two refs compared side by side. */
  compare: string[];
  tab: Tab;
}

export const MAX_ROOTS = 20;

const list = (value: string | null): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= 300);

export function parseState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const depth = Number(q.get("depth") ?? "2");
  const kinds = list(q.get("kinds")).filter((k): k is CollaborationKind =>
    (KINDS as readonly string[]).includes(k.toUpperCase()),
  );
  const tab = q.get("tab") ?? "details";
  return {
    roots: [...new Set(list(q.get("roots")))].slice(0, MAX_ROOTS),
    depth: Number.isInteger(depth) && depth >= 0 && depth <= 3 ? depth : 2,
    kinds: kinds.length ? (kinds.map((k) => k.toUpperCase()) as CollaborationKind[]) : [...KINDS],
    expanded: [...new Set(list(q.get("expand")))].slice(0, MAX_ROOTS),
    selected: q.get("sel") || null,
    pathFrom: q.get("from") || null,
    pathTo: q.get("to") || null,
    compare: list(q.get("compare")).slice(0, 2),
    tab: (TABS as readonly string[]).includes(tab) ? (tab as Tab) : "details",
  };
}

export function formatState(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.roots.length) q.set("roots", s.roots.join(","));
  if (s.depth !== 2) q.set("depth", String(s.depth));
  if (s.kinds.length !== KINDS.length) q.set("kinds", s.kinds.join(","));
  if (s.expanded.length) q.set("expand", s.expanded.join(","));
  if (s.selected) q.set("sel", s.selected);
  if (s.pathFrom) q.set("from", s.pathFrom);
  if (s.pathTo) q.set("to", s.pathTo);
  if (s.compare.length) q.set("compare", s.compare.join(","));
  if (s.tab !== "details") q.set("tab", s.tab);
  // Refs are `source/name`: keep their slashes and commas readable in the address bar.
  const text = q.toString().replace(/%2F/g, "/").replace(/%2C/g, ",");
  return text ? `?${text}` : "";
}
