// `auditEvents(first, after, source)`: the audit trail, newest first, for admins only (issue 16
// point 5; src/catalog/audit.ts writes it in each change's transaction). A connection, so a
// caller without `admin` gets a GraphQL error with code UNAUTHENTICATED or FORBIDDEN
// (auth-errors.ts), as a connection's argument errors are BAD_USER_INPUT. Not offered to a
// federation supergraph (federation.ts: DIRECT_ONLY_ROOT_FIELDS).
import { z } from "zod";
import { SOURCE_NAME } from "../auth/scopes.js";
import { type AuditEvent, listAuditEvents } from "../catalog/audit.js";
import { builder } from "./builder.js";
import { connectionFrom, first } from "./connections.js";

const CURSOR_PREFIX = "audit:";

function cursorOf(id: number): string {
  return btoa(`${CURSOR_PREFIX}${id}`);
}

/** The event id a cursor of this connection names, or null for anything else. */
function idOfCursor(cursor: string): number | null {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    return null;
  }
  const digits = text.slice(CURSOR_PREFIX.length);
  const id = Number(digits);
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(id) || id < 1 || String(id) !== digits)
    return null;
  return id;
}

const COUNT_ORDER = ["created", "updated", "unchanged", "deleted", "failed", "conflicts", "restored"];

const CountRef = builder.objectRef<[string, number]>("AuditCount").implement({
  description: "One count of an event: `created: 3`.",
  fields: (t) => ({
    name: t.string({
      description: "created, updated, unchanged, deleted, failed, conflicts or restored.",
      resolve: ([name]) => name,
    }),
    value: t.int({ description: "How many.", resolve: ([, value]) => value }),
  }),
});

const AuditEventRef = builder.objectRef<AuditEvent>("AuditEvent").implement({
  description: "One change to the catalog, recorded in the transaction that made it.",
  fields: (t) => ({
    id: t.string({ description: "The event's number, increasing with time.", resolve: (e) => String(e.id) }),
    at: t.field({
      type: "AgentryDateTime",
      description: "When it was committed (the database's clock).",
      resolve: (e) => e.at,
    }),
    actorKind: t.exposeString("actorKind", {
      description:
        "Who made it: `key` (an API key), `jwt`, `anonymous`, or `cli` (the `agentry` command, run where the database is; its name is the operating-system user).",
    }),
    actorName: t.exposeString("actorName", { description: "The key's name or the JWT's subject." }),
    actorId: t.exposeString("actorId", {
      nullable: true,
      description: "The key's public id, or the JWT's issuer; null for anonymous callers.",
    }),
    action: t.exposeString("action", {
      description:
        "publish, delete-agent, restore-agent, delete-source, restore-source, key-create, key-revoke, visibility (its `target`: `public -> private` or back).",
    }),
    source: t.exposeString("source", { nullable: true, description: "The source it changed." }),
    pathCount: t.exposeInt("pathCount", {
      description: "How many files it created, updated, deleted or restored.",
    }),
    paths: t.exposeStringList("paths", { description: "Those files' paths, in byte order: the first 100." }),
    counts: t.field({
      type: [CountRef],
      description:
        "What the change counted (a publish: created, updated, unchanged, deleted, failed, conflicts).",
      // In this order (jsonb keeps its keys in an order of its own).
      resolve: (e) =>
        Object.entries(e.counts).sort(
          ([a], [b]) => (COUNT_ORDER.indexOf(a) >>> 0) - (COUNT_ORDER.indexOf(b) >>> 0) || (a < b ? -1 : 1),
        ),
    }),
    generation: t.exposeInt("generation", {
      nullable: true,
      description: "The source's generation after the change.",
    }),
    target: t.exposeString("target", {
      nullable: true,
      description:
        "What else the change names: for key-create and key-revoke, the key as `<id> <name>`; for visibility, `public -> private` or `private -> public`.",
    }),
    requestId: t.exposeString("requestId", {
      nullable: true,
      description: "The request's id (its `x-request-id`), which the server's log lines carry too.",
    }),
  }),
});

builder.queryField("auditEvents", (t) =>
  t.connection(
    {
      type: AuditEventRef,
      description:
        "Every publish, delete and restore, newest first, with who made it, when, what it changed and its request id. Needs `admin` (a GraphQL error with code UNAUTHENTICATED or FORBIDDEN otherwise).",
      authScopes: { admin: true },
      args: {
        source: t.arg.string({
          required: false,
          description: "Only the events of this source.",
          validate: z.string().max(128, "at most 128 characters").regex(SOURCE_NAME, "not a source name"),
        }),
      },
      // Checked before the scope (builder.ts), as every connection's arguments are.
      validate: z
        .object({
          first: first.optional().nullable(),
          after: z
            .string()
            .refine((c) => idOfCursor(c) !== null, "this cursor was not made by this query")
            .optional()
            .nullable(),
        })
        .passthrough(),
      complexity: (args) => ({ field: 10, multiplier: args.first ?? 20 }),
      resolve: async (_root, args, ctx) => {
        const afterId = args.after ? idOfCursor(args.after) : null;
        const { events, hasNextPage, totalCount } = await listAuditEvents(ctx.db, {
          first: args.first ?? 20,
          afterId,
          source: args.source ?? null,
        });
        return connectionFrom(events, (e) => cursorOf(e.id), { hasNextPage, totalCount });
      },
    },
    {
      name: "AuditEventConnection",
      description: "A page of audit events, newest first.",
      edgesField: { description: "The page's events, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "How many events there are (of `source`, when given), over all pages.",
          resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
    {
      name: "AuditEventEdge",
      description: "An event of the page and its cursor.",
      nodeField: { description: "The event." },
    },
  ),
);
