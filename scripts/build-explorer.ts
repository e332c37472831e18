// Builds the graph explorer (explorer/, Vite) into dist/assets/explore/: the Worker serves it
// as static assets, the Node server from disk (src/server/explorer.ts). Run by
// `npm run build:explorer`, wrangler's [build] command, `npm start` (when it is missing) and
// the explorer's tests. Prints the gzipped size; `--check` also fails over the budget and
// when the checked-in GraphQL types (explorer/src/gql/) are not what codegen would write.
//   --if-stale   build only when a file of explorer/ or the schema is newer than the build
//   --check      CI: codegen current, a fresh build, the size within EXPLORER_BUDGET_GZIP
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = resolve(import.meta.dirname, "..");
export const EXPLORER_DIR = resolve(ROOT, "dist/assets/explore");
/** The page's scripts and styles, gzipped, at most: a few hundred KB (issue 17). */
export const EXPLORER_BUDGET_GZIP = 300 * 1024;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function newest(paths: string[]): number {
  return Math.max(0, ...paths.map((p) => statSync(p).mtimeMs));
}

/** True when the build is missing or older than a source of it. */
export function explorerStale(): boolean {
  const index = join(EXPLORER_DIR, "index.html");
  if (!existsSync(index)) return true;
  const sources = [
    ...files(resolve(ROOT, "explorer")),
    resolve(ROOT, "schema/schema.graphql"),
    resolve(ROOT, "package-lock.json"),
  ].filter((p) => existsSync(p));
  return newest(sources) > statSync(index).mtimeMs;
}

export interface ExplorerSize {
  files: number;
  bytes: number;
  gzipBytes: number;
}

/** The built page's size: its HTML, scripts and styles, raw and gzipped (level 9). */
export function explorerSize(): ExplorerSize {
  const built = files(EXPLORER_DIR).filter((f) => /\.(html|js|css)$/.test(f));
  let bytes = 0;
  let gzipBytes = 0;
  for (const f of built) {
    const body = readFileSync(f);
    bytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { files: built.length, bytes, gzipBytes };
}

export async function buildExplorer(): Promise<ExplorerSize> {
  const { build } = await import("vite");
  await build({ configFile: resolve(ROOT, "explorer/vite.config.ts"), logLevel: "warn" });
  // Wrangler uploads dist/assets/; the precompressed copies are for the Node server only.
  writeFileSync(resolve(ROOT, "dist/assets/.assetsignore"), "*.br\n*.gz\n");
  return explorerSize();
}

export function describeSize(s: ExplorerSize): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return `explorer: ${s.files} files, ${kb(s.bytes)}, ${kb(s.gzipBytes)} gzipped (${relative(ROOT, EXPLORER_DIR)}/)`;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("build-explorer.ts")) {
  const args = new Set(process.argv.slice(2));
  if (args.has("--check")) {
    // The checked-in types must be what codegen writes from the schema and the operations.
    execFileSync("npx", ["graphql-codegen", "--config", "explorer/codegen.ts", "--check"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  if (args.has("--if-stale") && !explorerStale()) {
    console.log(`${describeSize(explorerSize())}, up to date`);
  } else {
    const size = await buildExplorer();
    console.log(describeSize(size));
    if (args.has("--check") && size.gzipBytes > EXPLORER_BUDGET_GZIP) {
      console.error(`the explorer is over its budget of ${EXPLORER_BUDGET_GZIP / 1024} KB gzipped`);
      process.exit(1);
    }
  }
}
