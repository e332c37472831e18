// What every resolver receives. The GraphQL layer sees the catalog only through an Executor
// (a drizzle database); it never imports a driver.
import type { Caller } from "../auth/caller.js";
import type { GraphCache } from "../cache/graph-cache.js";
import type { Database, Executor } from "../catalog/database.js";
import type { SourceView } from "../catalog/reads/visibility.js";

export interface GraphQLContext {
  db: Executor;
  /** Correlates a request's log lines and its masked errors. */
  requestId: string;
  /** Resolved agent graphs, shared across requests (and instances, with Upstash). */
  graphCache: GraphCache | null;
  /**
   * Aborted when the client goes away or the request's time budget is spent: work not yet
   * started for this request should not start.
   */
  signal: AbortSignal;
  /**
   * Who is calling (src/auth): set by the app for every request before anything runs. What it
   * may do is asked of `can()` (src/auth/caller.ts), never of its fields.
   */
  caller: Caller;
  /**
   * The sources the caller's reads show (`viewOf(caller)`): every read in src/catalog/reads
   * takes it, and every cache key includes `viewKey(view)`.
   */
  view: SourceView;
  /**
   * The whole database, for writes (its batch pool, its transactions, its import lock): absent
   * where a request must keep to its own connection (the Worker's neon-ws pool per request,
   * `connect`), where writes open their transactions on `db`.
   */
  database?: Database;
}
