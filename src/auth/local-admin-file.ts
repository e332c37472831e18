// The file that tells `agentry import` where the server holding an embedded catalog listens,
// and with which token (./local-admin.ts): `agentry.local-admin.json` in the data folder,
// beside the lock, created with mode 0600 so that only the server's user can read it.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { LOCAL_TOKEN_PREFIX } from "./local-admin.js";

export const LOCAL_ADMIN_FILE = "agentry.local-admin.json";
const fileSchema = z.object({
  url: z.string().url(),
  token: z.string().startsWith(LOCAL_TOKEN_PREFIX),
  pid: z.number().int(),
});
export type LocalAdminFile = z.infer<typeof fileSchema>;

/** Writes the file for this server, replacing one a dead server left; owner read/write only. */
export function writeLocalAdminFile(dataDir: string, contents: LocalAdminFile): void {
  const path = join(dataDir, LOCAL_ADMIN_FILE);
  try {
    unlinkSync(path);
  } catch {}
  // Created with its mode (O_EXCL): never readable by others, not even for a moment.
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(contents));
  } finally {
    closeSync(fd);
  }
}

/** Removes the file if it is still this server's. */
export function removeLocalAdminFile(dataDir: string, token: string): void {
  const path = join(dataDir, LOCAL_ADMIN_FILE);
  if (readLocalAdminFile(dataDir)?.token === token) unlinkSync(path);
}

/**
 * The file's contents, or null: none, malformed, or not safe to trust (someone else's, or
 * readable by others: it was not written by a server of ours).
 */
export function readLocalAdminFile(dataDir: string): LocalAdminFile | null {
  const path = join(dataDir, LOCAL_ADMIN_FILE);
  try {
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) return null;
    if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return null;
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
