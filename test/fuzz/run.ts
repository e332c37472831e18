// npm run fuzz: schema-generated requests (test/fuzz/generate.ts) against the Node app in this
// process (graphql-jit and graphql-js, the example catalog in PGlite) and, with --url, against
// a running server (`npm run dev:worker`, `npm start`): graphql-jit as the API tests build
// the app, graphql-js alone, and graphql-jit behind the graph cache as `npm start` serves it. Prints the count of each outcome and
// every failing request with its index; exits 1 on any failure.
//
//   npm run fuzz                                   10,000 requests, the default seed
//   npm run fuzz -- --seed 7 --count 50000
//   npm run fuzz -- --seed 7 --only 1234           replay one case (printed with its answer)
//   npm run fuzz -- --url http://127.0.0.1:8787/graphql --no-node
//   npm run fuzz -- --allow-uncoded                 errors without extensions.code do not fail
//
// A failure: HTTP 5xx, "Unexpected error." / INTERNAL_SERVER_ERROR, a body that is not JSON, an
// "unexpected error" line in the in-process apps' logs, or (unless --allow-uncoded) an error
// without a code.
import { Command } from "commander";
import { schema } from "../../src/graphql/schema.js";
import { DEFAULT_SEED, generateCase, generateCases } from "./generate.js";
import { formatReport, judge } from "./judge.js";
import { exampleCatalog, type FuzzTarget, fuzz, nodeTargets, urlTarget } from "./node-apps.js";

const program = new Command()
  .name("fuzz")
  .description("Schema-driven fuzzing of the GraphQL API")
  .option("--seed <n>", "the generator's seed", (v) => Number.parseInt(v, 10), DEFAULT_SEED)
  .option("--count <n>", "how many requests", (v) => Number.parseInt(v, 10), 10_000)
  .option("--start <n>", "the first case index", (v) => Number.parseInt(v, 10), 0)
  .option("--only <index>", "run one case and print its request and answers", (v) => Number.parseInt(v, 10))
  .option("--url <url>", "also fuzz a running server's /graphql")
  .option("--no-node", "skip the in-process Node apps")
  .option("--no-plain", "skip the graphql-js app")
  .option("--no-served", "skip the app as npm start serves it (graphql-jit and the graph cache)")
  .option("--messages", "print the most frequent error messages")
  .option("--allow-uncoded", "do not fail on errors without an extensions.code")
  .option("--max-failures <n>", "failures printed per target", (v) => Number.parseInt(v, 10), 50)
  .parse();

const options = program.opts<{
  seed: number;
  count: number;
  start: number;
  only?: number;
  url?: string;
  node: boolean;
  plain: boolean;
  served: boolean;
  allowUncoded?: boolean;
  messages?: boolean;
  maxFailures: number;
}>();

const targets: FuzzTarget[] = [];
const database = options.node ? await exampleCatalog() : null;
if (database) {
  const { jit, plain, served } = nodeTargets(database);
  targets.push(jit);
  if (options.plain) targets.push(plain);
  if (options.served) targets.push(served);
}
if (options.url) targets.push(urlTarget(options.url));
if (targets.length === 0) {
  console.error("nothing to fuzz: give --url or leave the Node apps on");
  process.exit(2);
}

let failed = false;
if (options.only !== undefined) {
  const c = generateCase(schema, options.seed, options.only);
  console.log(JSON.stringify({ index: c.index, shape: c.shape, request: c.raw ?? c.body }, null, 2));
  for (const target of targets) {
    const answer = await target.send(c);
    const verdict = judge(answer);
    const problems = [...verdict.failures, ...(options.allowUncoded ? [] : verdict.uncoded)];
    failed ||= problems.length > 0;
    console.log(
      `\n${target.name}: ${verdict.outcome}${problems.length ? ` FAIL ${problems.join("; ")}` : ""}`,
    );
    console.log(JSON.stringify(answer, null, 2).slice(0, 20_000));
  }
} else {
  const cases = generateCases(schema, options.seed, options.count, options.start);
  for (const target of targets) {
    const started = Date.now();
    const report = await fuzz(target, cases, options.seed);
    console.log(
      `${formatReport(report, target.name, options.maxFailures)}\n  (${Date.now() - started} ms)\n`,
    );
    if (options.messages)
      for (const [m, n] of [...report.messages].sort((a, b) => b[1] - a[1]).slice(0, 40))
        console.log(`  ${String(n).padStart(6)}  ${m}`);
    failed ||= report.failures.length > 0 || (!options.allowUncoded && report.uncoded.length > 0);
  }
}
await database?.close();
process.exit(failed ? 1 : 0);
