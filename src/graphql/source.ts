// Source: where definitions come from (a folder, a repository, a marketplace).

import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { sql } from "drizzle-orm";
import { rowsOf } from "../catalog/bulk.js";
import type { Executor } from "../catalog/database.js";
import { NotFoundError } from "../catalog/reads/index.js";
import { type SourceView, shownSource } from "../catalog/reads/visibility.js";
import { builder } from "./builder.js";
import { pageArgs } from "./connections.js";
import { invalidInput } from "./errors.js";

export interface SourceRow {
  id: number;
  name: string;
  generation: number;
  agentCount: number;
  updatedAt: string;
  visibility: "public" | "private";
}

export const SourceVisibilityEnum = builder.enumType("AgentrySourceVisibility", {
  description: "Who may read a source's agents, skills and commands.",
  values: {
    PUBLIC: {
      value: "public",
      description: "Every caller with `read` (anonymous ones too, under AGENTRY_READ_ACCESS=public).",
    },
    PRIVATE: {
      value: "private",
      description:
        "Only callers holding a scope of that source (`read:<source>` or its write scope) or `admin`.",
    },
  } as const,
});

export const SourceRef = builder.loadableNodeRef<SourceRow, number, number>("AgentrySource", {
  id: {
    description: "The source's global id, for `node(id:)` and `nodes(ids:)`.",
    resolve: (s) => s.id,
    parse: (id) => Number(id),
  },
  load: async (ids, ctx) => {
    // A decoded global id may be NaN or out of range: it names nothing, and must not fail the
    // statement for the other ids.
    const wanted = ids.filter((id) => Number.isSafeInteger(id) && id > 0 && id <= 2 ** 31 - 1);
    const rows =
      wanted.length === 0
        ? []
        : await sourcesWhere(ctx.db, ctx.view, sql`s.id = any(${sql.param(wanted)}::int[])`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? new NotFoundError("source", id));
  },
});

SourceRef.implement({
  description: "Where definitions come from: a folder, a repository, a plugin marketplace.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description:
        "The name it was imported under (`agentry import --source`), e.g. `acme-platform`: the first half of every ref.",
    }),
    generation: t.exposeInt("generation", { description: "Moves on every committed write to this source." }),
    agentCount: t.exposeInt("agentCount", { description: "How many live (not deleted) agents it holds." }),
    updatedAt: t.field({
      type: "AgentryDateTime",
      description: "When an import last wrote to this source.",
      resolve: (s) => s.updatedAt,
    }),
    visibility: t.field({
      type: SourceVisibilityEnum,
      description:
        "Who reads it: PUBLIC, every caller with `read`; PRIVATE, only callers holding a scope of this source (`read:<name>` or its write scope) or `admin` (to everyone else it does not exist).",
      resolve: (s) => s.visibility,
    }),
  }),
});

/** The live sources the view shows that `where` keeps, by name. */
export async function sourcesWhere(db: Executor, view: SourceView, where = sql`true`): Promise<SourceRow[]> {
  const rows = await db.execute(sql`
    select s.id, s.name, s.generation::int as generation, s.updated_at as "updatedAt", s.visibility,
           (select count(*)::int from agents a where a.source_id = s.id and a.deleted_at is null) as "agentCount"
      from sources s where s.deleted_at is null and ${where}${shownSource(view, "s.id")} order by s.name`);
  return rowsOf<SourceRow>(rows);
}

/**
 * The offset an offset cursor (`OffsetConnection:<n>` in base64, as Pothos makes them) holds,
 * or null. Pothos' own cursorToOffset reads `-5`, `1e30` (as 1) and `abc` (as NaN) too, which
 * gave pages of negative cursors or a silent empty page instead of an error.
 */
export function offsetOf(cursor: string): number | null {
  if (cursor.length > 64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(cursor)) return null;
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    return null;
  }
  const m = /^OffsetConnection:(0|[1-9]\d{0,8})$/.exec(text);
  return m ? Number(m[1]) : null;
}

builder.queryField("sources", (t) =>
  t.connection(
    {
      type: SourceRef,
      description:
        "Every source the caller may read, by name. (Sources are few: one statement reads them all.)",
      validate: pageArgs,
      complexity: (args) => ({ field: 1, multiplier: args.first ?? 10 }),
      resolve: async (_root, args, ctx) => {
        // A cursor from elsewhere is the client's mistake, not an unexpected error.
        if (args.after && offsetOf(args.after) === null)
          throw invalidInput("after", "this cursor was not made by this query");
        const rows = await sourcesWhere(ctx.db, ctx.view);
        const page = await resolveOffsetConnection({ args }, ({ limit, offset }) =>
          rows.slice(offset, offset + limit),
        );
        return { ...page, totalCount: rows.length };
      },
    },
    {
      name: "AgentrySourceConnection",
      description: "A page of sources, by name.",
      edgesField: { description: "The page's sources, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "How many sources there are, over all pages.",
          resolve: (conn) => conn.totalCount,
        }),
      }),
    },
    {
      name: "AgentrySourceEdge",
      description: "A source of the page and its cursor.",
      nodeField: { description: "The source." },
    },
  ),
);
