// The schema-driven fuzzer inside workerd: the first 500 of the requests test/fuzz/fuzz.test.ts
// sends to the Node apps (same generator, same seed, same schema), sent to the Worker on the
// example catalog (global-setup.ts), which runs Yoga's executor rather than graphql-jit and
// reads through Neon's drivers. No 5xx, no "Unexpected error.", every error coded but for
// the kinds graphql-js itself leaves without a code (KNOWN_UNCODED in test/fuzz/judge.ts).
import { describe, expect, inject, it } from "vitest";
import { schema } from "../../src/graphql/schema.js";
import worker from "../../src/worker.js";
import { DEFAULT_SEED, generateCases } from "../fuzz/generate.js";
import { type Answer, bodyText, formatReport, KNOWN_UNCODED, runCases } from "../fuzz/judge.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the Worker fuzz test is skipped");

const COUNT = 500;

describe.runIf(env)(`fuzz on the Worker: ${COUNT} schema-generated requests, seed ${DEFAULT_SEED}`, () => {
  const bindings = { ...env!, AGENTRY_CACHE_PREFIX: `${env?.AGENTRY_CACHE_PREFIX}-fuzz` };

  it("no 5xx, no unexpected error, every error coded", { timeout: 300_000 }, async () => {
    const cases = generateCases(schema, DEFAULT_SEED, COUNT);
    const report = await runCases(
      cases,
      async (c): Promise<Answer> => {
        const response = await worker.fetch(
          new Request("http://agentry.worker/graphql", {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
            body: bodyText(c),
          }),
          bindings,
        );
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // judged as not JSON
        }
        return { status: response.status, body };
      },
      DEFAULT_SEED,
    );
    const summary = formatReport(report, "worker", 20);
    console.log(summary);
    expect(report.total).toBe(COUNT);
    expect(
      report.failures.map((f) => `#${f.index}: ${f.failures.join("; ")}`),
      summary,
    ).toEqual([]);
    const unknown = report.uncoded.flatMap((f) =>
      f.failures.filter((r) => !KNOWN_UNCODED.some((k) => k.test(r))).map((r) => `#${f.index}: ${r}`),
    );
    expect(unknown, summary).toEqual([]);
    // As on Node (test/fuzz/fuzz.test.ts): anonymous mutations and auditEvents are refused at
    // their scope check, which is reaching them.
    const answered = (re: RegExp) =>
      [...report.outcomes].filter(([o]) => re.test(o)).reduce((n, [, k]) => n + k, 0);
    expect(answered(/^200 ok$/)).toBeGreaterThan(COUNT * 0.2);
    expect(
      answered(/^200 ok$|UNAUTHENTICATED|data:AgentryUnauthenticatedError|data:AgentryForbiddenError/),
    ).toBeGreaterThan(COUNT * 0.25);
  });
});
