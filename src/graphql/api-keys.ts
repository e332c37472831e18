// API keys over the API (issue 16 point 2, docs/decisions/0022-api-keys.md): createApiKey,
// revokeApiKey and the `apiKeys` connection, for admins only (`authScopes: { admin: true }`),
// what `agentry keys create | revoke | list` do where the database is. The work is
// src/auth/api-keys.ts, which writes each change's audit event (key-create, key-revoke) in the
// change's own statement; here the actor is the caller and the request id the request's.
// The token exists once, in createApiKey's answer: nothing here logs, no error quotes it, and
// `ApiKey` has no field for a secret or its hash. Not offered to a federation supergraph (the
// Mutation type is direct-only, and `apiKeys` is added to federation.ts's DIRECT_ONLY_ROOT_FIELDS below).
import { z } from "zod";
import { createKey, KeyError, type KeyInfo, listKeys, revokeKey } from "../auth/api-keys.js";
import { DurationError, parseDuration } from "../auth/duration.js";
import { parseScopes, ScopeError } from "../auth/scopes.js";
import { actorOf } from "../catalog/audit.js";
import { NotFoundError } from "../catalog/reads/index.js";
import { ForbiddenError, UnauthenticatedError } from "./auth-errors.js";
import { builder } from "./builder.js";
import { connectionFrom, first } from "./connections.js";
import type { GraphQLContext } from "./context.js";
import { ErrorInterface, InputValidationError, invalidInput } from "./errors.js";
import { DIRECT_ONLY_ROOT_FIELDS } from "./federation.js";

// Admin-only: for direct clients, never routed through a supergraph (decision 0024).
DIRECT_ONLY_ROOT_FIELDS.add("apiKeys");

/** Two or more live keys share the name a revoke was given: it revoked none of them. */
export class AmbiguousKeyNameError extends Error {
  override readonly name = "AmbiguousKeyNameError";
  constructor(
    readonly keyName: string,
    readonly ids: string[],
  ) {
    super(`${ids.length} live keys are named "${keyName}": revoke one by id (${ids.join(", ")})`);
  }
}

builder.objectType(AmbiguousKeyNameError, {
  name: "AgentryAmbiguousKeyNameError",
  interfaces: [ErrorInterface],
  description: "More than one live key has the name given to revokeApiKey: none was revoked; pass an id.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "The name and the ids of the keys that bear it." }),
    keyName: t.exposeString("keyName", { description: "The name given." }),
    ids: t.exposeStringList("ids", { description: "The ids of the live keys of that name." }),
  }),
});

const audit = (ctx: GraphQLContext) => ({ actor: actorOf(ctx.caller), requestId: ctx.requestId });

export const ApiKeyRef = builder.objectRef<KeyInfo>("ApiKey").implement({
  description:
    "An API key, as `agentry keys list` shows it: never its secret nor the secret's hash, which only createApiKey's answer (the token) ever carries.",
  fields: (t) => ({
    id: t.exposeString("id", {
      description: "The key's public id (16 hex digits), the part of the token after `agentry_`.",
    }),
    name: t.exposeString("name", { description: "Its label, unique among live keys." }),
    prefix: t.exposeString("prefix", {
      description: "The start of its token, `agentry_<id>`: enough to recognise it, nothing to use.",
    }),
    scopes: t.stringList({
      description: "What it may do: read, admin, read:<source>, publish:<source>.",
      resolve: (k) => [...k.scopes],
    }),
    source: t.exposeString("source", {
      nullable: true,
      description: "The one source it is limited to; null for a key not limited to one.",
    }),
    createdAt: t.field({
      type: "AgentryDateTime",
      description: "When it was made (the database's clock).",
      resolve: (k) => k.createdAt,
    }),
    expiresAt: t.field({
      type: "AgentryDateTime",
      nullable: true,
      description: "When it stops being accepted; null: never.",
      resolve: (k) => k.expiresAt,
    }),
    revokedAt: t.field({
      type: "AgentryDateTime",
      nullable: true,
      description: "When it was revoked (refused from then on); null while it is not.",
      resolve: (k) => k.revokedAt,
    }),
    lastUsedAt: t.field({
      type: "AgentryDateTime",
      nullable: true,
      description: "When it was last accepted, to the minute (written at most once a minute); null: never.",
      resolve: (k) => k.lastUsedAt,
    }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ token: string; key: KeyInfo }>("CreatedApiKey").implement({
  description: "A key just made, with its token: the only time the token is shown anywhere.",
  fields: (t) => ({
    token: t.exposeString("token", {
      description:
        "The whole token, `agentry_<id>_<secret>`, to send as `Authorization: Bearer …`. Shown only in this answer (only its hash is stored): store it now.",
    }),
    key: t.field({ type: ApiKeyRef, description: "The key made.", resolve: (c) => c.key }),
  }),
});

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  description: "A key to make, as `agentry keys create` takes it.",
  fields: (t) => ({
    name: t.string({
      required: true,
      description:
        "A label for the key, unique among live keys: 1 to 100 printable characters, not 16 hex digits, not starting with `agentry_`.",
    }),
    scopes: t.stringList({
      required: true,
      description:
        "What it may do: read, admin, read:<source> or publish:<source> (at least one, unless `source` is given: then `read:<source>`). With `source`, bare `read` and `publish` mean that source's.",
    }),
    source: t.string({
      required: false,
      description:
        "Limit the key to this one source (then it cannot hold `admin` nor another source's scope).",
    }),
    expiresIn: t.string({
      required: false,
      description:
        "Expire after this long: a whole number and a unit, `90m`, `12h`, `30d`, `2w` (at most ten years); omitted: never.",
    }),
  }),
});

const AUTH_ERROR_TYPES = [UnauthenticatedError, ForbiddenError];

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreatedApiKeyRef,
    description:
      "Makes an API key, as `agentry keys create` does, and answers its token once; recorded in the audit trail (key-create) with the caller and the request id. Needs `admin`.",
    errors: {
      types: [...AUTH_ERROR_TYPES, InputValidationError],
      union: {
        name: "CreateApiKeyResult",
        description:
          "The key and its token, or why not: AgentryUnauthenticatedError (no key), AgentryForbiddenError (the caller is not an admin), AgentryInvalidInputError (a bad name, scope, source or duration, named by its field). Nothing is made when it is an error.",
      },
    },
    authScopes: { admin: true },
    args: {
      input: t.arg({ type: CreateApiKeyInput, required: true, description: "The key to make." }),
    },
    resolve: async (_root, { input }, ctx) => {
      const source = input.source ?? null;
      let scopes: ReturnType<typeof parseScopes>;
      try {
        scopes = parseScopes(input.scopes, source, "scopes");
      } catch (e) {
        if (!(e instanceof ScopeError)) throw e;
        const field = e.message.startsWith("--source") ? "input.source" : "input.scopes";
        throw invalidInput(field, e.message.replace(/--source/g, "source"));
      }
      let expiresAt: Date | null = null;
      if (input.expiresIn != null) {
        try {
          expiresAt = new Date(Date.now() + parseDuration(input.expiresIn, "expiresIn"));
        } catch (e) {
          if (e instanceof DurationError) throw invalidInput("input.expiresIn", e.message);
          throw e;
        }
      }
      try {
        return await createKey(ctx.db, { name: input.name, scopes, source, expiresAt }, audit(ctx));
      } catch (e) {
        if (e instanceof KeyError) throw invalidInput("input.name", e.message);
        throw e;
      }
    },
  }),
);

builder.mutationField("revokeApiKey", (t) =>
  t.field({
    type: ApiKeyRef,
    description:
      "Revokes a key by id, else the live key of that name, as `agentry keys revoke` does: refused at once on every instance; recorded in the audit trail (key-revoke) with the caller and the request id. A key already revoked is answered as it is, and nothing is recorded. Needs `admin`.",
    errors: {
      types: [...AUTH_ERROR_TYPES, InputValidationError, NotFoundError, AmbiguousKeyNameError],
      union: {
        name: "RevokeApiKeyResult",
        description:
          "The revoked key, or why not: AgentryUnauthenticatedError (no key), AgentryForbiddenError (the caller is not an admin), AgentryInvalidInputError (a token given instead of an id or name), AgentryNotFoundError (no such key), AgentryAmbiguousKeyNameError (several live keys of that name: their ids). Nothing is revoked when it is an error.",
      },
    },
    authScopes: { admin: true },
    args: {
      idOrName: t.arg.string({
        required: true,
        description: "The key's id (16 hex digits) or the name of a live key; never its token.",
      }),
    },
    resolve: async (_root, { idOrName }, ctx) => {
      let result: Awaited<ReturnType<typeof revokeKey>>;
      try {
        result = await revokeKey(ctx.db, idOrName, audit(ctx));
      } catch (e) {
        if (e instanceof KeyError) throw invalidInput("idOrName", e.message);
        throw e;
      }
      if ("notFound" in result) throw new NotFoundError("key", idOrName);
      if ("ambiguous" in result) throw new AmbiguousKeyNameError(idOrName, result.ambiguous);
      return result.revoked;
    },
  }),
);

const CURSOR_PREFIX = "apikey:";
const cursorOf = (id: string) => btoa(`${CURSOR_PREFIX}${id}`);

/** The key id a cursor of this connection names, or null for anything else. */
function idOfCursor(cursor: string): string | null {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    return null;
  }
  const id = text.slice(CURSOR_PREFIX.length);
  return text.startsWith(CURSOR_PREFIX) && /^[0-9a-f]{16}$/.test(id) ? id : null;
}

builder.queryField("apiKeys", (t) =>
  t.connection(
    {
      type: ApiKeyRef,
      description:
        "Every API key, newest first, revoked and expired ones too, as `agentry keys list` shows them: never a secret or a hash. Needs `admin` (a GraphQL error with code UNAUTHENTICATED or FORBIDDEN otherwise).",
      authScopes: { admin: true },
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
        // Keys are few (people make them by hand) and never deleted: one read, paged here.
        const keys = await listKeys(ctx.db);
        const afterId = args.after ? idOfCursor(args.after) : null;
        const start = afterId === null ? 0 : keys.findIndex((k) => k.id === afterId) + 1;
        const size = args.first ?? 20;
        const page = keys.slice(start, start + size);
        return connectionFrom(page, (k) => cursorOf(k.id), {
          hasNextPage: start + size < keys.length,
          totalCount: keys.length,
        });
      },
    },
    {
      name: "ApiKeyConnection",
      description: "A page of API keys, newest first.",
      edgesField: { description: "The page's keys, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "How many keys there are, revoked ones included, over all pages.",
          resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
    {
      name: "ApiKeyEdge",
      description: "A key of the page and its cursor.",
      nodeField: { description: "The key." },
    },
  ),
);
