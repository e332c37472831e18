// The catalog's generation: it moves on every committed write (each import batch bumps its
// source's), so a cache key that includes it can never serve what a write has replaced.
import { sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import { query } from "./internal.js";

export async function catalogGeneration(db: Executor): Promise<number> {
  const [row] = await query<{ g: unknown }>(
    db,
    sql`select coalesce(sum(generation), 0)::bigint as g from sources`,
  );
  return Number(row?.g ?? 0);
}
