// Export: the current text of every live file of a source, at its original relative path.
// The text is the revision's stored content, so an unchanged file comes back byte for byte.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "./database.js";
import { exactText } from "./exact-text.js";
import * as t from "./schema.js";

export interface ExportedFile {
  path: string;
  content: string;
}

export class SourceNotFoundError extends Error {
  constructor(
    readonly source: string,
    why?: string,
  ) {
    super(`no source named "${source}"${why ? `: ${why}` : ""}`);
  }
}

export async function exportSource(db: Executor, source: string): Promise<ExportedFile[]> {
  const [src] = await db.select({ id: t.sources.id }).from(t.sources).where(eq(t.sources.name, source));
  if (!src) throw new SourceNotFoundError(source);
  return (
    db
      .select({ path: t.files.path, content: exactText(t.revisions.content) })
      .from(t.files)
      .innerJoin(t.revisions, eq(t.revisions.id, t.files.currentRevisionId))
      .where(and(eq(t.files.sourceId, src.id), isNull(t.files.deletedAt)))
      // Byte order, whatever the database's collation.
      .orderBy(sql`${t.files.path} collate "C"`)
  );
}
