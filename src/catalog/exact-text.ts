// Reading stored text back exactly. PGlite decodes result text with a default TextDecoder,
// which drops a leading byte order mark, so a file that began with one would not export byte
// for byte. Selecting the text behind a one-character prefix and removing it in JS keeps every
// character on every driver.
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

export function exactText(column: AnyPgColumn | SQL): SQL<string> {
  return sql<string>`'|' || ${column}`.mapWith((v: string) => v.slice(1));
}
