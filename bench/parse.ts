// npm run bench:parse — parses the corpus repeatedly on one core and prints files per second.
// Files are read into memory first: this measures the reader, not the disk.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findDefinitionFiles } from "../src/cli/files.js";
import { parseDefinition } from "../src/definitions/index.js";

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, "../../shared/corpus/wshobson-agents"));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const files = (await findDefinitionFiles([dir])).map((f) => ({ ...f, text: readFileSync(f.path, "utf8") }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

// Warm up the JIT before measuring.
for (let i = 0; i < 3; i++)
  for (const f of files) parseDefinition(f.text, { path: f.relativePath, kind: f.kind });

const rounds: number[] = [];
const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline) {
  const t0 = performance.now();
  for (const f of files) parseDefinition(f.text, { path: f.relativePath, kind: f.kind });
  rounds.push(performance.now() - t0);
}
rounds.sort((a, b) => a - b);
const median = rounds[Math.floor(rounds.length / 2)]!;
const filesPerSecond = files.length / (median / 1000);
console.log(`corpus: ${dir}`);
console.log(
  `${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MiB, ${rounds.length} rounds in ${seconds}s`,
);
console.log(
  `median round ${median.toFixed(1)} ms → ${Math.round(filesPerSecond)} files/s, ${(bytes / 1024 / 1024 / (median / 1000)).toFixed(1)} MiB/s (node ${process.version}, one thread)`,
);
