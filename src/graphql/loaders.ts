// Per-request dataloaders over the catalog's batched reads: every agent field that lists rows
// (tools, skills, edges…) asks its loader for one agent id, and the loader sends one statement
// for all the ids asked in the same tick. A request's loaders live as long as its context.
import DataLoader from "dataloader";
import {
  type CollaborationKind,
  collaboratorsWithEnds,
  commandsOf,
  dependentsOf,
  diagnosticsOf,
  type EdgeEnd,
  examplesOf,
  factsOf,
  markdownsOf,
  type RevisionDiff,
  revisionDiffs,
  revisionsOf,
  sectionsOf,
  variantsOf,
} from "../catalog/reads/index.js";
import type { GraphQLContext } from "./context.js";

const perRequest = new WeakMap<GraphQLContext, Map<string, DataLoader<unknown, unknown>>>();

function loaderFor<T, K = number>(
  ctx: GraphQLContext,
  key: string,
  batch: (ids: K[]) => Promise<(T | Error)[]>,
  cacheKey?: (id: K) => unknown,
): DataLoader<K, T> {
  let map = perRequest.get(ctx);
  if (!map) {
    map = new Map();
    perRequest.set(ctx, map);
  }
  let loader = map.get(key) as DataLoader<K, T> | undefined;
  if (!loader) {
    loader = new DataLoader<K, T, unknown>(
      (ids) => batch([...ids]),
      cacheKey ? { cacheKeyFn: cacheKey } : {},
    );
    map.set(key, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

const kindsKey = (kinds: readonly CollaborationKind[] | null | undefined) =>
  kinds && kinds.length > 0 ? [...new Set(kinds)].sort() : null;

export const load = {
  /** Tools and skills together: a client that asks for one usually asks for the other. */
  facts: (ctx: GraphQLContext) => loaderFor(ctx, "facts", (ids) => factsOf(ctx.db, ids)),
  commands: (ctx: GraphQLContext) => loaderFor(ctx, "commands", (ids) => commandsOf(ctx.db, ids)),
  sections: (ctx: GraphQLContext) => loaderFor(ctx, "sections", (ids) => sectionsOf(ctx.db, ids)),
  examples: (ctx: GraphQLContext) => loaderFor(ctx, "examples", (ids) => examplesOf(ctx.db, ids)),
  variants: (ctx: GraphQLContext) => loaderFor(ctx, "variants", (ids) => variantsOf(ctx.db, ctx.view, ids)),
  revisions: (ctx: GraphQLContext) => loaderFor(ctx, "revisions", (ids) => revisionsOf(ctx.db, ids)),
  /** The current file's text (`markdown`, and `diagnostics` of rows stored before 0005). */
  markdown: (ctx: GraphQLContext) => loaderFor(ctx, "markdown", (ids) => markdownsOf(ctx.db, ids)),
  /** The diagnostics stored at import. */
  diagnostics: (ctx: GraphQLContext) => loaderFor(ctx, "diagnostics", (ids) => diagnosticsOf(ctx.db, ids)),
  /** Diffs by pair of revision ids (a NotFoundError for an unknown one). */
  diffs: (ctx: GraphQLContext) =>
    loaderFor<RevisionDiff, { from: number; to: number }>(
      ctx,
      "diffs",
      (pairs) => revisionDiffs(ctx.db, pairs),
      (p) => `${p.from}:${p.to}`,
    ),
  /**
   * Edges, read together with the agents at their far ends (`ends`: what the query selects of
   * them), which `primeAgent` and the facts loader keep for the rest of the request: the next
   * level of a nested query then costs nothing but its own edges.
   */
  collaborators: (
    ctx: GraphQLContext,
    kinds: readonly CollaborationKind[] | null | undefined,
    ends: "none" | "summary" | "facts",
    primeAgent: (end: EdgeEnd) => void,
  ) => {
    const k = kindsKey(kinds);
    return loaderFor(ctx, `collaborators:${k?.join(",") ?? "*"}:${ends}`, async (ids) => {
      const read = await collaboratorsWithEnds(ctx.db, ids, { ...(k ? { kinds: k } : {}), ends });
      for (const end of read.ends) {
        primeAgent(end);
        if (end.facts) load.facts(ctx).prime(end.agent.id, end.facts);
      }
      return read.edges;
    });
  },
  dependents: (ctx: GraphQLContext, kinds?: readonly CollaborationKind[] | null) => {
    const k = kindsKey(kinds);
    return loaderFor(ctx, `dependents:${k?.join(",") ?? "*"}`, (ids) =>
      dependentsOf(ctx.db, ids, k ? { kinds: k } : {}),
    );
  },
};
