// What a mutation writes through: the app's whole Database where it gives one (its batch pool,
// its transactions, its import lock; on the Worker's neon-http, a WebSocket pool per write),
// else the request's own connection, whose drizzle database opens transactions itself
// (PGlite, node-postgres, the Worker's neon-ws pool per request).
import { GraphQLError } from "graphql";
import type { AgentryDb, AgentryTx } from "../catalog/database.js";
import type { PublishWriter } from "../catalog/publish.js";
import type { GraphQLContext } from "./context.js";

/** `what` names the operation in the one refusal, e.g. "writes" or "a plan". */
export function writerOf(ctx: GraphQLContext, what = "writes"): PublishWriter {
  if (ctx.database) return ctx.database;
  const db = ctx.db as AgentryDb;
  return {
    transaction: async <T>(fn: (tx: AgentryTx) => Promise<T>): Promise<T> => {
      try {
        return await db.transaction(fn);
      } catch (e) {
        // drizzle's neon-http: no interactive transactions over HTTP.
        if (e instanceof Error && /No transactions support/i.test(e.message))
          throw new GraphQLError(
            `this server reads over Neon's HTTP driver, which has no transactions: ${what} need AGENTRY_DB_DRIVER=neon-ws`,
            { extensions: { code: "WRITES_UNAVAILABLE" } },
          );
        throw e;
      }
    },
  };
}
