// npm run bench:parse [dir] — parses the corpus repeatedly on one core and prints files per second.
// Files are read into memory first: this measures the reader, not the disk.
//
// npm run bench:parse -- [dir] --compare <checkout>... — the same passes with the readers of other
// checkouts (e.g. `git worktree add /tmp/wt-parse <commit>`) loaded next to this one in the same
// process and run interleaved, a pass of each in turn: on a shared machine, runs of one reader
// after another measure the neighbours more than the readers.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { findDefinitionFiles } from "../src/cli/files.js";
import { parseDefinition } from "../src/definitions/index.js";

const args = process.argv.slice(2);
const at = args.indexOf("--compare");
const others = at === -1 ? [] : args.slice(at + 1);
const positional = at === -1 ? args : args.slice(0, at);
const dir = resolve(positional[0] ?? resolve(import.meta.dirname, "../../shared/corpus/wshobson-agents"));
const seconds = Number(process.env.BENCH_SECONDS ?? (others.length > 0 ? 20 : 5));
const files = (await findDefinitionFiles([dir])).map((f) => ({ ...f, text: readFileSync(f.path, "utf8") }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

type Parse = typeof parseDefinition;
const readers: { name: string; parse: Parse }[] = [{ name: "this checkout", parse: parseDefinition }];
for (const o of others) {
  const mod = (await import(join(resolve(o), "src/definitions/index.ts"))) as { parseDefinition: Parse };
  readers.push({ name: resolve(o), parse: mod.parseDefinition });
}
const pass = (parse: Parse) => {
  const t0 = performance.now();
  for (const f of files) parse(f.text, { path: f.relativePath, kind: f.kind });
  return performance.now() - t0;
};

// Warm up the JIT before measuring.
for (let i = 0; i < 3; i++) for (const r of readers) pass(r.parse);

const rounds: number[][] = readers.map(() => []);
const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline) {
  for (const [k, r] of readers.entries()) rounds[k]!.push(pass(r.parse));
}
console.log(`corpus: ${dir}`);
console.log(
  `${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MiB, ${rounds[0]!.length} rounds in ${seconds}s`,
);
readers.forEach((r, k) => {
  const sorted = rounds[k]!.sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const filesPerSecond = files.length / (median / 1000);
  console.log(
    `${readers.length > 1 ? `${r.name}: ` : ""}median round ${median.toFixed(1)} ms → ${Math.round(filesPerSecond)} files/s, ${(bytes / 1024 / 1024 / (median / 1000)).toFixed(1)} MiB/s (node ${process.version}, one thread)`,
  );
});
