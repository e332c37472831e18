// The schema-driven fuzzer in CI (issue #13: zero "Unexpected error." from client input): 2,000
// requests generated from the served schema (generate.ts), each sent to the app with graphql-jit
// (testApp) and to the plain graphql-js app, and the first 500 to the app as `npm start` serves
// it (graphql-jit behind the graph cache), on the example catalog. No 5xx, no
// "Unexpected error." or INTERNAL_SERVER_ERROR, no "unexpected error" log line; every error has
// a code, but for the kinds graphql-js answers without one (see KNOWN_UNCODED in judge.ts).
//
// A failure prints the seed and the failing cases' indexes: `npm run fuzz -- --seed S --only I`
// replays one; FUZZ_SEED=S runs this test on another seed, FUZZ_COUNT=N on more cases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/catalog/database.js";
import { schema } from "../../src/graphql/schema.js";
import { DEFAULT_SEED, type FuzzCase, generateCases } from "./generate.js";
import { formatReport, KNOWN_UNCODED, type Report } from "./judge.js";
import { exampleCatalog, fuzz, nodeTargets } from "./node-apps.js";

const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);

function unknownUncoded(report: Report): string[] {
  return report.uncoded.flatMap((f) =>
    f.failures.filter((r) => !KNOWN_UNCODED.some((known) => known.test(r))).map((r) => `#${f.index}: ${r}`),
  );
}

describe(`fuzz: ${COUNT} schema-generated requests, seed ${SEED}`, () => {
  let database: Database;
  let cases: FuzzCase[];
  beforeAll(async () => {
    database = await exampleCatalog();
    cases = generateCases(schema, SEED, COUNT);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("generates the same cases for the same seed, and requests of every kind", () => {
    const again = generateCases(schema, SEED, 50);
    expect(again).toEqual(cases.slice(0, 50));
    const shapes = new Set(cases.map((c) => c.shape));
    expect([...shapes].sort()).toEqual([
      "body",
      "json",
      "mutation",
      "operations",
      "query",
      "subscription",
      "syntax",
    ]);
    // Every root field is asked for, most through both literals and variables.
    const text = cases.map((c) => (typeof c.body.query === "string" ? c.body.query : "")).join("\n");
    for (const field of Object.keys(schema.getQueryType()!.getFields()))
      expect(text, field).toMatch(new RegExp(`\\b${field}\\(|\\b${field} \\{`));
  });

  for (const [which, label, count] of [
    ["jit", "graphql-jit (testApp)", COUNT],
    ["plain", "graphql-js", COUNT],
    ["served", "graphql-jit behind the graph cache (as npm start)", Math.min(COUNT, 500)],
  ] as const) {
    it(`${label}: no 5xx, no unexpected error, every error coded`, { timeout: 240_000 }, async () => {
      const target = nodeTargets(database)[which];
      const report = await fuzz(target, cases.slice(0, count), SEED);
      const summary = formatReport(report, `${target.name}, replay with FUZZ_SEED=${SEED}`, 20);
      // Printed either way: the counts per outcome are the fuzzer's measurement.
      console.log(summary);
      expect(report.total).toBe(count);
      expect(
        report.failures.map((f) => `#${f.index}: ${f.failures.join("; ")}`),
        summary,
      ).toEqual([]);
      expect(unknownUncoded(report), summary).toEqual([]);
      // The cases reach the resolvers: most answer data, many refuse an argument there.
      const answered = (re: RegExp) =>
        [...report.outcomes].filter(([o]) => re.test(o)).reduce((n, [, k]) => n + k, 0);
      // Anonymous, as the fuzzer calls: the mutations and auditEvents it picks reach their
      // scope check and are refused there (typed, or UNAUTHENTICATED), which is reaching them.
      expect(answered(/^200 ok$/)).toBeGreaterThan(count * 0.2);
      expect(
        answered(/^200 ok$|UNAUTHENTICATED|data:AgentryUnauthenticatedError|data:AgentryForbiddenError/),
      ).toBeGreaterThan(count * 0.25);
      expect(answered(/BAD_USER_INPUT|data:AgentryInvalidInputError/)).toBeGreaterThan(count * 0.1);
      expect(answered(/GRAPHQL_VALIDATION_FAILED/)).toBeGreaterThan(0);
    });
  }
});
