// The one Pothos builder: its plugins, scalars and typed context. Types are defined one per
// file next to this one and collected by schema.ts.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivesPlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import type { GraphQLSchema } from "graphql";
import { can } from "../auth/caller.js";
import { refusalFor } from "./auth-errors.js";
import type { GraphQLContext } from "./context.js";
import { ContractTagsPlugin } from "./contract-tags.js";
import { DeadlinePlugin } from "./deadline.js";
import { DemandControlPlugin } from "./demand-control.js";

/**
 * Puts the fields of the AST nodes that plugin-directives makes in name order, as `sortSchema`
 * does for the schema itself. The subgraph SDL (`_service { sdl }`) is printed from those nodes:
 * without this, the order of Query's fields, which several files register, would follow the
 * order in which modules happen to be evaluated. (Listed before Directives: plugins' afterBuild
 * hooks run last to first.)
 */
class SortedAstPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    for (const type of Object.values(schema.getTypeMap())) {
      const node = type.astNode as { fields?: readonly { name: { value: string } }[] } | null | undefined;
      if (!node?.fields) continue;
      const fields = [...node.fields].sort((a, b) => (a.name.value < b.name.value ? -1 : 1));
      Object.assign(node, { fields });
    }
    return schema;
  }
}

/**
 * Connections page forward only: drops the `last` and `before` arguments the relay plugin gives
 * every connection. Our pages are keyset pages read in one statement with their total count
 * (docs/decisions/0010); the plugin's arguments were accepted and ignored by all but `agents`,
 * which refused `last` at run time: a client asking for the last page got the first one.
 */
class ForwardOnlyPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> | null {
    const { args } = fieldConfig;
    if (!(args.first && args.after && args.last && args.before)) return fieldConfig;
    const { last: _last, before: _before, ...forward } = args;
    return { ...fieldConfig, args: forward };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      sortedAst: SortedAstPlugin<Types>;
      forwardOnly: ForwardOnlyPlugin<Types>;
      deadline: DeadlinePlugin<Types>;
      demandControl: DemandControlPlugin<Types>;
      contractTags: ContractTagsPlugin<Types>;
    }
  }
}

// Once per copy of @pothos/core: a test runner may evaluate this file again against the same one.
const registered = (SchemaBuilder as unknown as { plugins: Record<string, unknown> }).plugins;
if (!registered.sortedAst) SchemaBuilder.registerPlugin("sortedAst", SortedAstPlugin);
if (!registered.forwardOnly) SchemaBuilder.registerPlugin("forwardOnly", ForwardOnlyPlugin);
if (!registered.deadline) SchemaBuilder.registerPlugin("deadline", DeadlinePlugin);
if (!registered.demandControl) SchemaBuilder.registerPlugin("demandControl", DemandControlPlugin);
if (!registered.contractTags) SchemaBuilder.registerPlugin("contractTags", ContractTagsPlugin);

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    AgentryDateTime: { Input: Date; Output: Date | string };
    /** Federation's entity representation (federation.ts). */
    _Any: { Input: Record<string, unknown>; Output: unknown };
  };
  /**
   * What a field may require of the caller (`authScopes`), from `ctx.caller` through `can()`
   * (src/auth/caller.ts), the one rule table: `publish` takes the source (`publish:<source>`,
   * which `admin` implies), `admin` the whole catalog.
   */
  AuthScopes: { publish: string; admin: boolean };
  DefaultFieldNullability: false;
}>({
  // Errors before Validation: argument validation failures become InvalidInputError results.
  // ScopeAuth after Errors, so that its refusal (auth-errors.ts) becomes the field's
  // AgentryForbiddenError / AgentryUnauthenticatedError member where its union lists them (a
  // GraphQL error with code FORBIDDEN / UNAUTHENTICATED elsewhere), and after Validation, so
  // that a malformed argument is BAD_USER_INPUT for every caller, as on every other field
  // (arguments say nothing about the catalog); no resolver runs before the scope is checked.
  // It wraps only the fields that declare `authScopes` (the mutations and auditEvents): reads
  // are untouched. Directives and Federation last (they wrap no resolvers of ours): entity keys and the
  // subgraph schema, see federation.ts. Deadline first, so that its check wraps all the others
  // (wrapResolve hooks nest first plugin outermost).
  plugins: [
    "deadline",
    ErrorsPlugin,
    ValidationPlugin,
    ScopeAuthPlugin,
    RelayPlugin,
    "forwardOnly",
    DataloaderPlugin,
    ComplexityPlugin,
    "sortedAst",
    DirectivesPlugin,
    FederationPlugin,
    // Hooks run last to first: these two set options FederationPlugin reads.
    "demandControl",
    "contractTags",
  ],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // A connection's cost already multiplies its selection by `first`: its edges and nodes
    // lists add no multiplier of their own (the default for a list is 10).
    nodesOnConnection: {
      complexity: { field: 0, multiplier: 1 },
      description: "The page's items, in order (the same as `edges { node }`).",
    },
    edgesFieldOptions: {
      complexity: { field: 0, multiplier: 1 },
      description: "The page's items with their cursors, in order.",
    },
    cursorFieldOptions: { description: "Pass it as `after` to read the items that follow this one." },
    nodeFieldOptions: { description: "The item." },
    pageInfoFieldOptions: {
      description: "Where this page sits: whether more follow, and the cursor to read them.",
    },
    hasNextPageFieldOptions: { description: "More items follow: ask again with `after: endCursor`." },
    hasPreviousPageFieldOptions: {
      description: "Always false: pages are read forward only, from the first (no `last`/`before`).",
    },
    startCursorFieldOptions: { description: "The cursor of the page's first item; null for an empty page." },
    endCursorFieldOptions: {
      description:
        "The cursor of the page's last item: pass it as `after` for the next page; null for an empty page.",
    },
    firstArgOptions: { description: "How many items to return, 1 to 100 (default 20)." },
    afterArgOptions: {
      description: "Return the items after this cursor (an `endCursor` or edge `cursor` of the same query).",
    },
    idFieldOptions: { description: "The global id: pass it to `node(id:)` to read this object again." },
    nodeTypeOptions: {
      description: "An object with a global id, which `node(id:)` and `nodes(ids:)` read back.",
    },
    // Ours, in node.ts: an id that names nothing answers null instead of failing.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // Every subgraph of a supergraph that paginates defines the same PageInfo.
    pageInfoTypeOptions: {
      shareable: true,
      description: "Relay's page information for a connection: how to read the next page.",
    },
    // Connections report totalCount where they can; see each connection.
  },
  // The costs of fields: their `complexity` annotations, read by the query budget
  // (query-budget.ts) before validation. The plugin's own check, at execution, is off: it ran
  // after graphql-jit had compiled the query, and walks fragments without memoization.
  complexity: { defaultComplexity: 1, defaultListMultiplier: 10, disabled: true },
  // Argument validation runs before the resolver; this lets its failures be typed results too
  // (then scope-auth, before any resolver).
  errors: { directResult: true, unsafelyHandleInputErrors: true },
  scopeAuth: {
    authScopes: (ctx) => ({
      publish: (source: string) => can(ctx.caller, `publish:${source}`),
      admin: can(ctx.caller, "admin"),
    }),
    unauthorizedError: (_parent, ctx, _info, result) => refusalFor(ctx.caller, result.failure),
  },
});

builder.scalarType("AgentryDateTime", {
  description: "An ISO-8601 date-time in UTC.",
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString()),
  parseValue: (v) => new Date(String(v)),
});

builder.queryType({ description: "Agentry: a knowledge graph of AI agent definitions." });
