// Work stops when nobody waits for it: every resolver first checks the request's signal
// (aborted when the client goes away or the request's time budget is spent, see
// src/server/app.ts) and refuses to start with a REQUEST_TIMEOUT error. Under 32 clients of
// an expensive query, abandoned requests kept running after their clients left and kept
// /readyz down for about 10 minutes (issue #13); with this check no resolver of an abandoned
// request starts, so no SQL statement is sent for it after the abort.
import { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { GraphQLError, type GraphQLFieldResolver } from "graphql";
import type { GraphQLContext } from "./context.js";

export const REQUEST_TIMEOUT = "REQUEST_TIMEOUT";

/** The error a field gets once its request's signal is aborted. */
export function deadlineError(signal: AbortSignal): GraphQLError {
  const reason = signal.reason as { name?: string } | undefined;
  const timedOut = reason?.name === "TimeoutError";
  return new GraphQLError(
    timedOut
      ? "the request's time budget was spent before this field could start"
      : "the request was cancelled (its client went away) before this field could start",
    { extensions: { code: REQUEST_TIMEOUT, reason: timedOut ? "timeout" : "cancelled" } },
  );
}

/** Throws the deadline error when the request's signal is aborted. */
export function checkDeadline(ctx: Pick<GraphQLContext, "signal">): void {
  if (ctx.signal?.aborted) throw deadlineError(ctx.signal);
}

export class DeadlinePlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    // A property read from an object already loaded starts no work: left unwrapped, so the
    // 500 nodes of a graph do not pay a check per scalar.
    if ((fieldConfig.extensions as { pothosExposedField?: string } | undefined)?.pothosExposedField)
      return resolver;
    return (parent, args, ctx, info) => {
      checkDeadline(ctx as GraphQLContext);
      return resolver(parent, args, ctx, info);
    };
  }
}
