// The one Pothos builder: its plugins, scalars and typed context. Types are defined one per
// file next to this one and collected by schema.ts.
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ValidationPlugin from "@pothos/plugin-validation";
import { GraphQLError } from "graphql";
import type { GraphQLContext } from "./context.js";
import { LIMITS } from "./limits.js";

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  // Errors before Validation: argument validation failures become InvalidInputError results.
  plugins: [ErrorsPlugin, ValidationPlugin, RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodesOnConnection: true,
    // Connections report totalCount where they can; see each connection.
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: LIMITS.maxComplexity, depth: LIMITS.maxDepth, breadth: LIMITS.maxBreadth },
    complexityError: (kind, result) => {
      const k = String(kind).toLowerCase() as "depth" | "breadth" | "complexity";
      const asked = result[k];
      const max =
        k === "depth" ? result.maxDepth : k === "breadth" ? result.maxBreadth : result.maxComplexity;
      return new GraphQLError(`query ${k} ${asked} exceeds the limit of ${max}`, {
        extensions: { code: "QUERY_TOO_COMPLEX", limit: k, max, asked },
      });
    },
  },
  // Argument validation runs before the resolver; this lets its failures be typed results too
  // (we have no authorization hooks that validation could run ahead of).
  errors: { directResult: true, unsafelyHandleInputErrors: true },
});

builder.scalarType("DateTime", {
  description: "An ISO-8601 date-time in UTC.",
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString()),
  parseValue: (v) => new Date(String(v)),
});

builder.scalarType("JSON", {
  description: "Any JSON value.",
  serialize: (v) => v,
  parseValue: (v) => v,
});

builder.queryType({ description: "Agentry: a knowledge graph of AI agent definitions." });
