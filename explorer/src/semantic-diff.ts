// The API's semantic diff between two agents (`Agent.compareWith`), worded for the compare
// panel. A module of its own, without the DOM, so the browser test words the API's answer the
// same way.
import type { ExplorerCompareDiffQuery } from "./gql/graphql.js";

export type SemanticDiff = Extract<
  Extract<ExplorerCompareDiffQuery["agent"], { __typename: "Agent" }>["compareWith"],
  { __typename: "AgentRevisionDiff" }
>;

/** The API's diff from left to right as lines a person reads ("added": on the right only). */
export function semanticDiffLines(d: SemanticDiff, right: string): string[] {
  const lines: string[] = [];
  const change = (label: string, c: { from?: string | null; to?: string | null } | null | undefined) => {
    if (c) lines.push(`${label}: ${c.from ?? "none"} → ${c.to ?? "none"}`);
  };
  const list = (label: string, items: string[]) => {
    if (items.length) lines.push(`${label}: ${items.join(", ")}`);
  };
  change("model", d.model);
  change("tools given", d.toolsMode);
  list(
    `tools only in ${right}`,
    d.toolsAdded.map((t) => t.name),
  );
  list(
    "tools only on the left",
    d.toolsRemoved.map((t) => t.name),
  );
  list(`skills only in ${right}`, d.skillsAdded);
  list("skills only on the left", d.skillsRemoved);
  list(`commands only in ${right}`, d.commandsAdded);
  list("commands only on the left", d.commandsRemoved);
  list(
    `collaborations only in ${right}`,
    d.collaborationsAdded.map((c) => `${c.kind.toLowerCase()} ${c.from} → ${c.to}`),
  );
  list(
    "collaborations only on the left",
    d.collaborationsRemoved.map((c) => `${c.kind.toLowerCase()} ${c.from} → ${c.to}`),
  );
  if (d.descriptionChanged) lines.push("the description differs");
  if (d.bodyChanged) lines.push("the body differs");
  return lines;
}
