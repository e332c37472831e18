// The audit trail (issue 16 point 5, docs/decisions/0024): one row in `audit_events` per
// publish, delete, restore, key and visibility change, inserted by the change's own
// transaction, so that a change that rolls back leaves no event and none commits without one.
// Read newest first by `auditEvents` (admins) and `agentry audit`.
import { and, count, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Caller } from "../auth/caller.js";
import type { Executor } from "./database.js";
import * as t from "./schema.js";

/** Paths an event keeps; `pathCount` counts them all. */
export const AUDIT_PATHS_CAP = 100;

export type AuditAction =
  | "publish"
  | "delete-agent"
  | "restore-agent"
  | "delete-source"
  | "restore-source"
  | "key-create"
  | "key-revoke"
  | "visibility";

export interface Actor {
  /** anonymous | key | jwt */
  kind: string;
  /** The key's name, the JWT's subject, or `anonymous`. */
  name: string;
  /** The key's id (public), the JWT's issuer, else null. */
  id: string | null;
}

/** Who a caller is, as the audit trail records it. */
export function actorOf(caller: Caller): Actor {
  if (caller.kind === "key") return { kind: "key", name: caller.name, id: caller.id };
  const other = caller as { kind: string; subject?: unknown; issuer?: unknown; name?: unknown };
  if (typeof other.subject === "string")
    return {
      kind: other.kind,
      name: other.subject,
      id: typeof other.issuer === "string" ? other.issuer : null,
    };
  if (typeof other.name === "string") return { kind: other.kind, name: other.name, id: null };
  return { kind: other.kind, name: other.kind, id: null };
}

export interface AuditInput {
  actor: Actor;
  action: AuditAction;
  source: string | null;
  paths?: readonly string[];
  counts?: Record<string, number>;
  generation?: number | null;
  requestId?: string | null;
  /** What else the change names: for a key change, the key as `<id> <name>`. */
  target?: string | null;
}

/** Inserts the event; call it with the transaction of the change it records. */
export async function recordAudit(tx: Executor, event: AuditInput): Promise<void> {
  const paths = event.paths ?? [];
  await tx.insert(t.auditEvents).values({
    actorKind: event.actor.kind,
    actorName: event.actor.name,
    actorId: event.actor.id,
    action: event.action,
    source: event.source,
    pathCount: paths.length,
    paths: paths.slice(0, AUDIT_PATHS_CAP),
    counts: event.counts ?? {},
    generation: event.generation ?? null,
    requestId: event.requestId ?? null,
    target: event.target ?? null,
  });
}

export interface AuditEvent {
  id: number;
  at: Date;
  actorKind: string;
  actorName: string;
  actorId: string | null;
  action: string;
  source: string | null;
  pathCount: number;
  paths: string[];
  counts: Record<string, number>;
  generation: number | null;
  requestId: string | null;
  target: string | null;
}

/**
 * A page of events, newest first (by id, which follows commit order closely enough for a
 * trail and never repeats), after the event `afterId` when given, of one source when given.
 * Reads one row more than `first` to say whether more follow, and the count of all (of the
 * source): two statements.
 */
export async function listAuditEvents(
  db: Executor,
  options: { first: number; afterId?: number | null; source?: string | null },
): Promise<{ events: AuditEvent[]; hasNextPage: boolean; totalCount: number }> {
  const where: SQL[] = [];
  if (options.source != null) where.push(eq(t.auditEvents.source, options.source));
  if (options.afterId != null) where.push(lt(t.auditEvents.id, options.afterId));
  const rows = await db
    .select()
    .from(t.auditEvents)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(t.auditEvents.id))
    .limit(options.first + 1);
  const [total] = await db
    .select({ n: count() })
    .from(t.auditEvents)
    .where(options.source != null ? eq(t.auditEvents.source, options.source) : undefined);
  const events = rows.slice(0, options.first).map((r) => ({
    ...r,
    at: r.at instanceof Date ? r.at : new Date(r.at as unknown as string),
    counts: (r.counts ?? {}) as Record<string, number>,
    paths: r.paths ?? [],
  }));
  return { events, hasNextPage: rows.length > options.first, totalCount: Number(total?.n ?? 0) };
}
