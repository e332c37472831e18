// A source's visibility (issue 16 point 3): public (every caller with `read`) or private (only
// callers with `read:<source>`, `publish:<source>` or admin; src/catalog/reads/visibility.ts
// filters every read by it). Changed by an admin (`setSourceVisibility`) or by a publish that
// asks for one, in the change's own transaction, with its audit event. A change moves the
// source's generation, hence the catalog token: a graph or response cached while the source
// was public has another key than any read after the change, so no cache serves it again.
import { eq, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.js";
import { rowsOf } from "./bulk.js";
import type { AgentryTx } from "./database.js";
import * as t from "./schema.js";

export type Visibility = "public" | "private";

export interface VisibilityChange {
  source: string;
  visibility: Visibility;
  /** False when the source already had that visibility (nothing written, no event). */
  changed: boolean;
  generation: number;
}

/**
 * Sets the visibility of `source` in the open transaction (which holds the source's lock);
 * null when there is no live source of that name.
 */
export async function applyVisibility(
  tx: AgentryTx,
  source: string,
  visibility: Visibility,
  who: { actor: Actor; requestId?: string | null },
): Promise<VisibilityChange | null> {
  const [row] = rowsOf<{ id: unknown; visibility: string; generation: unknown }>(
    await tx.execute(
      sql`select id, visibility, generation from sources where name = ${source} and deleted_at is null for update`,
    ),
  );
  if (!row) return null;
  if (row.visibility === visibility)
    return { source, visibility, changed: false, generation: Number(row.generation) };
  const [updated] = await tx
    .update(t.sources)
    .set({ visibility, generation: sql`${t.sources.generation} + 1`, updatedAt: sql`now()` })
    .where(eq(t.sources.id, Number(row.id)))
    .returning({ generation: t.sources.generation });
  const generation = updated!.generation;
  await recordAudit(tx, {
    actor: who.actor,
    action: "visibility",
    source,
    target: `${row.visibility} -> ${visibility}`,
    generation,
    requestId: who.requestId ?? null,
  });
  return { source, visibility, changed: true, generation };
}
