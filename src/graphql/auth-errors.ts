// Refusals of a caller without the scope a field asks for (@pothos/plugin-scope-auth, set up
// in builder.ts; docs/decisions/0024). Two kinds, as HTTP has 401 and 403: nobody said who
// they are (anonymous: AgentryUnauthenticatedError, code UNAUTHENTICATED), or someone did and
// lacks the scope (AgentryForbiddenError, code FORBIDDEN, naming the scope). Where the field's
// union lists them (every mutation) they are typed results like AgentryNotFoundError; where it
// has no union (auditEvents, a connection) they are GraphQL errors with that code, as a
// connection's argument errors are BAD_USER_INPUT. They are GraphQLErrors so that the server's
// masking (src/server/error-masking.ts) lets them through as the client's, not as ours.
// No builder import here: builder.ts imports this file; errors.ts gives them their types.
import type { AuthFailure } from "@pothos/plugin-scope-auth";
import { GraphQLError } from "graphql";
import type { Caller } from "../auth/caller.js";

export class UnauthenticatedError extends GraphQLError {
  constructor(readonly requiredScope: string) {
    super(
      `this needs the scope ${requiredScope}: send an API key as \`Authorization: Bearer agentry_…\` (agentry keys create)`,
      { extensions: { code: "UNAUTHENTICATED", requiredScope } },
    );
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(readonly requiredScope: string) {
    super(`this needs the scope ${requiredScope}, which the caller's key does not hold`, {
      extensions: { code: "FORBIDDEN", requiredScope },
    });
  }
}

/** The scope a failure asked for, as `publish:<source>` or `admin`. */
export function scopeOf(failure: AuthFailure): string {
  if (failure.kind === "AuthScope") {
    const f = failure as { scope: string; parameter: unknown };
    return typeof f.parameter === "string" ? `${f.scope}:${f.parameter}` : f.scope;
  }
  if (failure.kind === "AnyAuthScopes" || failure.kind === "AllAuthScopes") {
    const scopes = (failure as { failures: AuthFailure[] }).failures.map(scopeOf);
    return scopes.join(failure.kind === "AnyAuthScopes" ? " or " : " and ");
  }
  return "a scope";
}

export function refusalFor(caller: Caller, failure: AuthFailure): GraphQLError {
  const scope = scopeOf(failure);
  return caller.kind === "anonymous" ? new UnauthenticatedError(scope) : new ForbiddenError(scope);
}

export const AUTH_ERRORS = [UnauthenticatedError, ForbiddenError];
