// Relay's `node(id:)` and `nodes(ids:)`, ours rather than the relay plugin's: the plugin parses
// the ids as arguments, before any resolver, so an empty string, a malformed id or the id of a
// type that is not a Node failed the whole field as an unexpected error (INTERNAL_SERVER_ERROR
// and a stack trace in the log), and `Agent:abc` reached SQL as NaN and failed every id of its
// batch. Here an id that names nothing answers null, as Relay's specification says, and only
// a real failure (the database) is an error. The integer keys must be written as this server
// writes them (`Agent:1`): `Agent: 1`, `Agent:1e0`, `Agent:0x1` or `Agent:` (Number() reads
// them all as numbers) name nothing either.
//
// `nodes(ids:)` takes at most MAX_NODE_IDS ids, refused before any work: a million ids took
// 6.3 s and 1.5 GB.
import { decodeGlobalID, resolveNodes } from "@pothos/plugin-relay";
import type { GraphQLNamedType, GraphQLResolveInfo } from "graphql";
import { NotFoundError } from "../catalog/reads/index.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";
import { invalidInput } from "./errors.js";
import { LIMITS } from "./limits.js";

/** The most ids one `nodes` call takes (src/graphql/limits.ts). */
export const MAX_NODE_IDS = LIMITS.maxIds;

const NodeRef = builder.nodeInterfaceRef();

/** Whether a schema type implements Node (by name: the schema may be another graphql build's). */
function isNodeType(type: GraphQLNamedType | undefined): boolean {
  const interfaces = (type as { getInterfaces?: () => readonly { name: string }[] } | undefined)
    ?.getInterfaces;
  return typeof interfaces === "function" && interfaces.call(type).some((i) => i.name === "Node");
}

/** The type and parsed id a global id names, or null when it cannot name a node. */
function parseNodeId(
  globalId: string | number,
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
): { typename: string; id: unknown } | null {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    return null;
  }
  const type = info.schema.getType(decoded.typename) ?? undefined;
  if (!isNodeType(type)) return null;
  const parse = type!.extensions.pothosParseGlobalID as ((id: string, ctx: object) => unknown) | undefined;
  const id = parse ? parse(decoded.id, ctx) : decoded.id;
  // Our nodes have integer keys, written in decimal: `Agent:abc`, `Agent:1.5`, `Agent:1e30` or
  // `Agent: 1` names nothing.
  if (typeof id === "number" && !(Number.isSafeInteger(id) && String(id) === decoded.id)) return null;
  return { typename: decoded.typename, id };
}

/** The nodes the ids name, aligned with them: null for an id that names nothing. */
async function nodesFor(
  globalIds: readonly (string | number)[],
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
): Promise<unknown[]> {
  const parsed = globalIds.map((id) => parseNodeId(id, ctx, info));
  const values = await Promise.all(await resolveNodes(builder, ctx, info, parsed));
  return values.map((v) => {
    if (v instanceof NotFoundError) return null;
    if (v instanceof Error) throw v;
    return v ?? null;
  });
}

builder.queryField("node", (t) =>
  t.field({
    type: NodeRef,
    nullable: true,
    // Not offered to a supergraph (federation.ts, DIRECT_ONLY_ROOT_FIELDS).
    description: "Any node by its global id; null for an id that names no live node.",
    args: {
      id: t.arg.id({ required: true, description: "A global id, as an object's `id` field gave it." }),
    },
    resolve: async (_root, args, ctx, info) => (await nodesFor([args.id], ctx, info))[0] as never,
  }),
);

builder.queryField("nodes", (t) =>
  t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    listSize: { assumedSize: MAX_NODE_IDS },
    description: `Nodes by global id (at most ${MAX_NODE_IDS}), in the order asked; null for each id that names no live node.`,
    args: {
      ids: t.arg.idList({ required: true, description: `Global ids, at most ${MAX_NODE_IDS}.` }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(Math.min(args.ids.length, MAX_NODE_IDS), 1) }),
    resolve: (_root, args, ctx, info) => {
      if (args.ids.length > MAX_NODE_IDS)
        throw invalidInput("ids", `at most ${MAX_NODE_IDS} ids, got ${args.ids.length}`);
      return nodesFor(args.ids, ctx, info) as never;
    },
  }),
);
