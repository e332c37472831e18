// Federation 2.9's demand control (`@cost`, `@listSize`) from the same numbers as our own query
// budget (costs.ts, query-budget.ts), so that a router (Apollo Router's demand control, Hive
// Gateway's `demandControl`) can refuse an over-budget operation before it reaches us.
// Derived, not written twice: a Pothos plugin reads each field's `complexity` annotation and
// sets the federation plugin's `cost` and `listSize` options from it (listed after the
// Federation plugin: field hooks run last to first, and its hook turns them into directives).
//
// How our units map onto the spec's (IBM's cost specification, which both routers follow):
// - a field with a cost of its own (a page, a traversal, markdown) gets `@cost(weight: n)`
//   with our figure for its default arguments;
// - a connection gets `@listSize(slicingArguments: ["first"], sizedFields: ["edges",
//   "nodes"], assumedSize: 20)`: the router multiplies the selection by `first`, as we do;
// - any other list gets `@listSize(assumedSize: m)`, our multiplier (10 unless annotated);
// - the spec's defaults cost an object 1 and a scalar 0, ours cost every field 1, so a router's
//   estimate is at most ours: it refuses what is surely over, and we still refuse the rest.
//   Figures that depend on argument values (a full-text search, `agentGraph`'s depth) are
//   estimated by the router at their defaults; our own budget then judges the real values.
import { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";

/** `first` when a client leaves it out (connections.ts and the readers default to 20). */
const DEFAULT_PAGE = 20;
/** Our list multiplier when a list field has no annotation (builder.ts, complexity options). */
const DEFAULT_LIST_SIZE = 10;

type Complexity =
  | number
  | { field?: number; multiplier?: number }
  | ((
      args: Record<string, unknown>,
      ctx: unknown,
      field: unknown,
    ) => number | { field?: number; multiplier?: number });

/** The annotation's figures at the field's default arguments, or null when it needs real ones. */
function figuresOf(
  complexity: Complexity | undefined,
  defaults: Record<string, unknown>,
): { field: number; multiplier: number | null } | null {
  if (complexity === undefined) return { field: 1, multiplier: null };
  let value: number | { field?: number; multiplier?: number };
  try {
    value = typeof complexity === "function" ? complexity(defaults, {}, {}) : complexity;
  } catch {
    return null;
  }
  if (typeof value === "number") return Number.isFinite(value) ? { field: value, multiplier: null } : null;
  const field = value.field ?? 1;
  const multiplier = value.multiplier ?? null;
  return Number.isFinite(field) && (multiplier === null || Number.isFinite(multiplier))
    ? { field, multiplier }
    : null;
}

export class DemandControlPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> | null {
    const options = fieldConfig.pothosOptions as {
      complexity?: Complexity;
      cost?: number;
      listSize?: object;
    };
    // Federation's own fields, and fields that say it themselves.
    if (fieldConfig.name.startsWith("_") || options.cost !== undefined || options.listSize)
      return fieldConfig;
    const defaults = Object.fromEntries(
      Object.entries(fieldConfig.args).map(([name, arg]) => [name, arg.defaultValue]),
    );
    const figures = figuresOf(options.complexity, defaults);
    if (!figures) return fieldConfig;
    const isList = fieldConfig.type.kind === "List";
    const isConnection = "first" in fieldConfig.args && "after" in fieldConfig.args;
    // A connection's edges and nodes (complexity 0 × 1) are sized by the connection above them.
    if (figures.field === 0 && figures.multiplier === 1) return fieldConfig;
    const extra: { cost?: number; listSize?: object } = {};
    // Our default (1) and free fields (0) need no directive: the spec costs scalars 0, objects 1.
    if (figures.field > 1) extra.cost = Math.round(figures.field);
    if (isConnection) {
      extra.listSize = {
        assumedSize: DEFAULT_PAGE,
        slicingArguments: ["first"],
        sizedFields: ["edges", "nodes"],
        requireOneSlicingArgument: false,
      };
    } else if (isList) {
      extra.listSize = { assumedSize: figures.multiplier ?? DEFAULT_LIST_SIZE };
    }
    // An object with a multiplier (agentGraph: the nodes it reaches) gets its cost only: the
    // lists below it say their own sizes (AgentGraph.nodes and .edges, in queries.ts).
    if (Object.keys(extra).length === 0) return fieldConfig;
    return {
      ...fieldConfig,
      pothosOptions: { ...fieldConfig.pothosOptions, ...extra },
    } as PothosOutputFieldConfig<Types>;
  }
}
