// The shared folder (seeds and corpus) sits beside the repository on development machines and
// in CI. Elsewhere the conformance tests are skipped, with a message that says so; in CI a
// missing folder is a failure, not a skip.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const SHARED_DIR = resolve(
  process.env.AGENTRY_SHARED_DIR ?? resolve(import.meta.dirname, "../../../shared"),
);
export const SEEDS_DIR = resolve(SHARED_DIR, "seeds");
export const CORPUS_DIR = resolve(SHARED_DIR, "corpus/wshobson-agents");

export function requireShared(dir: string): boolean {
  if (existsSync(dir)) return true;
  if (process.env.CI)
    throw new Error(`${dir} is missing: CI requires the shared folder beside the repository`);
  console.warn(`SKIPPED: ${dir} is absent; conformance tests over it are skipped (set AGENTRY_SHARED_DIR)`);
  return false;
}
