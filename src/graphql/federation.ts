// Apollo Federation v2: Agentry as a subgraph. Entities and their keys (docs/decisions/0006):
//   Agent  @key(fields: "id") @key(fields: "ref")   id is the relay global ID, ref `source/name`
//   Skill  @key(fields: "ref")
//   AgentryTool   @key(fields: "name")
//   AgentrySource @key(fields: "name")
// An Agent or source ref that names nothing live answers a placeholder (placeholders.ts), not
// null, so that another subgraph's `[Agent!]!` keeps its other items (docs/decisions/0020).
// A gateway sends every reference of a fetch in one `_entities` call; each resolveReference
// asks a per-request dataloader, so a batch of one type and key costs one SQL statement,
// whatever its size. `_entities` is declared here, through Pothos, rather than left to the
// plugin: so it goes through the complexity plugin like every root field (the number of
// representations is its multiplier), and its depth and cost are limited like `agents`'.
import { decodeGlobalID } from "@pothos/plugin-relay";
import DataLoader from "dataloader";
import {
  type FieldDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
  parse,
  valueFromASTUntyped,
  visit,
} from "graphql";
import { getSkillsByRefs, getSourcesByNames, getToolsByNames } from "../catalog/reads/entities.js";
import { type AgentSummary, getAgentsByRefs } from "../catalog/reads/index.js";
import { AgentRef } from "./agent.js";
import { builder } from "./builder.js";
import { SkillRef, ToolRef } from "./catalog-entities.js";
import type { GraphQLContext } from "./context.js";
import { COST } from "./costs.js";
import { placeholderAgent, placeholderSource } from "./placeholders.js";
import { SourceRef } from "./source.js";

/** The federation spec version the subgraph links (and the directives it imports). */
export const FEDERATION_LINK = "https://specs.apollo.dev/federation/v2.9";
export const FEDERATION_DIRECTIVES = ["@key", "@shareable", "@tag", "@cost", "@listSize"];

// Per-request loaders by natural key: one statement for all the keys asked in the same tick.
const perRequest = new WeakMap<GraphQLContext, Map<string, DataLoader<string, unknown>>>();

function keyLoader<T>(
  ctx: GraphQLContext,
  name: string,
  batch: (keys: string[]) => Promise<(T | null)[]>,
): DataLoader<string, T | null> {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    loaders = new Map();
    perRequest.set(ctx, loaders);
  }
  let loader = loaders.get(name) as DataLoader<string, T | null> | undefined;
  if (!loader) {
    loader = new DataLoader<string, T | null>((keys) => batch([...keys]));
    loaders.set(name, loader as DataLoader<string, unknown>);
  }
  return loader;
}

function agentByRef(ctx: GraphQLContext, ref: string): Promise<AgentSummary | null> {
  return keyLoader(ctx, "agent:ref", async (refs) => {
    const agents = await getAgentsByRefs(ctx.db, ctx.view, refs);
    // The same agents by id, for fields that load agents by id later in the request.
    const byId = AgentRef.getDataloader(ctx);
    for (const a of agents) if (a) byId.prime(a.id, a);
    return agents;
  }).load(ref);
}

/** An agent by its relay global ID; null for an ID of another type or of no live agent. */
async function agentByGlobalId(ctx: GraphQLContext, id: string): Promise<AgentSummary | null> {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(id);
  } catch {
    return null;
  }
  const n = Number(decoded.id);
  // Written as the server writes ids: `Agent: 1`, `Agent:0x1`, `Agent:1e0` name nothing.
  if (decoded.typename !== "Agent" || !Number.isSafeInteger(n) || String(n) !== decoded.id) return null;
  try {
    return await AgentRef.getDataloader(ctx).load(n);
  } catch (e) {
    if ((e as Error).name === "NotFoundError") return null;
    throw e;
  }
}

const text = (v: unknown): v is string => typeof v === "string";

builder.asEntity(AgentRef, {
  key: [builder.selection<{ id: string }>("id"), builder.selection<{ ref: string }>("ref")],
  resolveReference: (key, ctx) => {
    // A ref that names no live agent answers a placeholder, not null (placeholders.ts).
    if ("ref" in key && text(key.ref))
      return agentByRef(ctx, key.ref).then((a) => a ?? placeholderAgent(key.ref));
    if ("id" in key && text(key.id)) return agentByGlobalId(ctx, key.id);
    return null;
  },
});

builder.asEntity(SkillRef, {
  key: builder.selection<{ ref: string }>("ref"),
  resolveReference: ({ ref }, ctx) =>
    text(ref)
      ? keyLoader(ctx, "skill:ref", (refs) => getSkillsByRefs(ctx.db, ctx.view, refs)).load(ref)
      : null,
});

builder.asEntity(ToolRef, {
  key: builder.selection<{ name: string }>("name"),
  resolveReference: ({ name }, ctx) =>
    text(name)
      ? keyLoader(ctx, "tool:name", (names) => getToolsByNames(ctx.db, ctx.view, names)).load(name)
      : null,
});

builder.asEntity(SourceRef, {
  key: builder.selection<{ name: string }>("name"),
  resolveReference: ({ name }, ctx) =>
    text(name)
      ? keyLoader(ctx, "source:name", async (names) => {
          const sources = await getSourcesByNames(ctx.db, ctx.view, names);
          const byId = SourceRef.getDataloader(ctx);
          for (const s of sources) if (s) byId.prime(s.id, s);
          return sources;
        })
          .load(name)
          .then((s) => s ?? placeholderSource(name))
      : null,
});

// `_entities(representations: [_Any!]!): [_Entity]!`, as the federation spec defines it.

const AnyScalar = builder.scalarType("_Any", {
  description: "A representation of an entity: its `__typename` and the fields of one of its keys.",
  serialize: (v) => v,
  // One argument: graphql-jit logged "Scalar with variable inputs detected" to the console for
  // every `_Any` literal when parseLiteral took the variables too (gateways send variables).
  parseLiteral: (ast) => parseRepresentation(valueFromASTUntyped(ast)),
  parseValue: (v) => parseRepresentation(v),
});

function parseRepresentation(v: unknown): Record<string, unknown> {
  if (
    typeof v !== "object" ||
    v === null ||
    Array.isArray(v) ||
    typeof (v as { __typename?: unknown }).__typename !== "string"
  )
    throw new GraphQLError("a representation is an object with a `__typename` and the fields of a key");
  return v as Record<string, unknown>;
}

const EntityUnion = builder.unionType("_Entity", {
  types: [AgentRef, SkillRef, SourceRef, ToolRef],
  resolveType: (value) => (value as unknown as { __typename: string }).__typename,
});

type ResolveReference = (
  representation: Record<string, unknown>,
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
) => unknown;

/** Each representation through its type's resolveReference (set by the federation plugin). */
function resolveEntities(
  representations: readonly unknown[],
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
): Promise<unknown>[] {
  return representations.map(async (representation) => {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    const type = text(typename) ? info.schema.getType(typename) : undefined;
    const resolve = type ? resolveReferenceOf(type) : undefined;
    if (!resolve) {
      throw new GraphQLError(`${String(typename)} is not an entity of this subgraph`, {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    const entity = await resolve(representation as Record<string, unknown>, ctx, info);
    if (entity === null || entity === undefined) return null;
    // Shapes are plain objects; the union resolves them by this name.
    Object.defineProperty(entity, "__typename", { value: typename, configurable: true });
    return entity;
  });
}

/** By the type's extensions, not isObjectType: the schema may come from another graphql build. */
function resolveReferenceOf(type: GraphQLNamedType): ResolveReference | undefined {
  const apollo = type.extensions.apollo as { subgraph?: { resolveReference?: ResolveReference } } | undefined;
  return apollo?.subgraph?.resolveReference;
}

builder.queryField("_entities", (t) =>
  t.field({
    type: [EntityUnion],
    nullable: { list: false, items: true },
    args: { representations: t.arg({ type: [AnyScalar], required: true }) },
    // Each representation is a lookup (COST.entity) and multiplies the selection.
    complexity: (args) => {
      const n = Math.max(args.representations.length, 1);
      return { field: n * COST.entity, multiplier: n };
    },
    resolve: (_root, args, ctx, info) => resolveEntities(args.representations, ctx, info) as never,
  }),
);

const PLUMBING_TYPES = new Set(["_Any", "_Entity", "_Service", "link__Import", "link__Purpose"]);
const PLUMBING_FIELDS = new Set(["_entities", "_service"]);
const SPECIFIED_DIRECTIVES = new Set(["include", "skip", "deprecated", "specifiedBy", "oneOf"]);

/**
 * The API as clients see it: the subgraph schema without federation's plumbing (`_entities`,
 * `_service` and their types). schema/schema.graphql is printed from it. Built with the
 * constructors of the schema's own graphql module: graphql ships CommonJS and ESM builds, and a
 * test runner may load both (see isGraphQLError in src/server/app.ts).
 */
export function withoutFederation(subgraph: GraphQLSchema): GraphQLSchema {
  const Schema = subgraph.constructor as typeof GraphQLSchema;
  const config = subgraph.toConfig();
  const query = subgraph.getQueryType();
  let api: GraphQLObjectType | null = null;
  if (query) {
    const Obj = query.constructor as typeof GraphQLObjectType;
    const { fields, ...rest } = query.toConfig();
    const kept = Object.entries(fields).filter(([name]) => !PLUMBING_FIELDS.has(name));
    api = new Obj({ ...rest, fields: Object.fromEntries(kept) });
  }
  return new Schema({
    ...config,
    query: api,
    types: config.types.filter((type) => !PLUMBING_TYPES.has(type.name) && type !== query),
    directives: config.directives.filter((d) => SPECIFIED_DIRECTIVES.has(d.name)),
  });
}

/**
 * Root fields the subgraph serves to its own clients but does not offer a supergraph:
 * Relay's `node` and `nodes`. Two subgraphs that each resolve `Query.node` compose only when
 * both mark it `@shareable` *and* their Node types overlap (SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES
 * otherwise, test/federation/relay-subgraph.test.ts), and an entity interface `Node` would have
 * to be defined, with every implementation, by one subgraph. So the supergraph's `node` belongs
 * to a Relay subgraph of another team (or a gateway feature), which hands our global ids to us
 * through Agent's `id` key; Agentry's own `node` answers clients that call it directly
 * (docs/decisions/0020).
 */
export const DIRECT_ONLY_ROOT_FIELDS = new Set(["node", "nodes", "auditEvents"]);

/**
 * The types only the direct API reaches: the Mutation type (publish, deletes and restores are
 * made with an API key against Agentry itself, by its CLI or CI, never through another team's
 * gateway: a supergraph would route another team's credentials, or none, to our writes) and
 * every type reachable only from it or from DIRECT_ONLY_ROOT_FIELDS (`auditEvents`, admin-only).
 * Decision 0024.
 */
function directOnlyTypes(schema: GraphQLSchema): Set<string> {
  const reach = (roots: GraphQLNamedType[]): Set<string> => {
    const seen = new Set<string>();
    const visitType = (type: GraphQLNamedType | undefined): void => {
      if (!type || seen.has(type.name)) return;
      seen.add(type.name);
      const t = type as unknown as {
        getFields?: () => Record<string, { type: unknown; args?: readonly { type: unknown }[] }>;
        getInterfaces?: () => readonly GraphQLNamedType[];
        getTypes?: () => readonly GraphQLNamedType[];
      };
      for (const field of Object.values(t.getFields?.() ?? {})) {
        visitType(namedOf(field.type));
        for (const arg of field.args ?? []) visitType(namedOf(arg.type));
      }
      for (const i of t.getInterfaces?.() ?? []) visitType(i);
      for (const member of t.getTypes?.() ?? []) visitType(member);
    };
    for (const root of roots) visitType(root);
    return seen;
  };
  const query = schema.getQueryType();
  const offeredRoots: GraphQLNamedType[] = [];
  const directRoots: GraphQLNamedType[] = [];
  for (const [name, field] of Object.entries(query?.getFields() ?? {})) {
    const target = DIRECT_ONLY_ROOT_FIELDS.has(name) ? directRoots : offeredRoots;
    const named = namedOf(field.type);
    if (named) target.push(named);
    for (const arg of field.args) {
      const a = namedOf(arg.type);
      if (a) target.push(a);
    }
  }
  const mutation = schema.getMutationType();
  if (mutation) directRoots.push(mutation);
  const offered = reach(offeredRoots);
  const direct = reach(directRoots);
  return new Set([...direct].filter((name) => !offered.has(name)));
}

function namedOf(type: unknown): GraphQLNamedType | undefined {
  let t = type as { ofType?: unknown } | undefined;
  while (t && "ofType" in t && t.ofType) t = t.ofType as { ofType?: unknown };
  return t as GraphQLNamedType | undefined;
}

/**
 * Makes `_service { sdl }` answer the subgraph's SDL without DIRECT_ONLY_ROOT_FIELDS (the SDL
 * is what gateways and `rover` compose; the fields stay in the schema the server executes).
 */
export function offerToSupergraph(subgraph: GraphQLSchema): GraphQLSchema {
  const service = subgraph.getQueryType()?.getFields()._service;
  const resolve = service?.resolve;
  if (!service || !resolve) return subgraph;
  const { sdl } = resolve(undefined, {}, undefined, undefined as never) as { sdl: string };
  // Cut the fields out of the printed text (their definitions' spans, descriptions included),
  // so that the rest reads exactly as printSubgraphSchema printed it.
  const spans: [number, number][] = [];
  const directTypes = directOnlyTypes(subgraph);
  const cutType = (node: { name: { value: string }; loc?: { start: number; end: number } }) => {
    if (directTypes.has(node.name.value) && node.loc) spans.push([node.loc.start, node.loc.end]);
  };
  visit(parse(sdl), {
    InputObjectTypeDefinition: cutType,
    UnionTypeDefinition: cutType,
    EnumTypeDefinition: cutType,
    InterfaceTypeDefinition: cutType,
    ScalarTypeDefinition: cutType,
    ObjectTypeDefinition(node: ObjectTypeDefinitionNode) {
      cutType(node);
      if (node.name.value !== "Query") return;
      for (const field of node.fields ?? ([] as readonly FieldDefinitionNode[]))
        if (DIRECT_ONLY_ROOT_FIELDS.has(field.name.value) && field.loc)
          spans.push([field.loc.start, field.loc.end]);
    },
  });
  let offered = sdl;
  for (const [from, to] of spans.sort((a, b) => b[0] - a[0])) {
    // The field's line and the blank line that separates it from the next one.
    const lineStart = offered.lastIndexOf("\n", from - 1) + 1;
    const next = offered.slice(to).match(/^[^\n]*\n(\s*\n)?/)?.[0].length ?? 0;
    offered = offered.slice(0, lineStart) + offered.slice(to + next);
  }
  service.resolve = () => ({ sdl: offered });
  return subgraph;
}
