// Node and the Worker answer alike (test/parity): the Node app's normalized answers, computed
// in global-setup.ts on the same database, against the Worker's inside workerd, one test per
// operation and round.
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/worker.js";
import { PARITY_OPERATIONS } from "../parity/operations.js";
import { type ParityAnswer, runParity } from "../parity/run.js";

const env = inject("workerEnv");
const node = inject("parityNode");
if (!env || !node)
  console.warn("SKIPPED: PostgreSQL is not reachable; the Node/Worker parity tests are skipped");

describe.runIf(env && node)("Node and the Worker answer alike", async () => {
  const bindings = { ...env!, AGENTRY_CACHE_PREFIX: `${env?.AGENTRY_CACHE_PREFIX}-parity` };
  let answers: ParityAnswer[] = [];
  if (env && node) {
    answers = await runParity(async (body) => {
      const response = await worker.fetch(
        new Request("http://agentry.worker/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
          body: JSON.stringify(body),
        }),
        bindings,
      );
      return { status: response.status, body: await response.json() };
    });
  }

  it("runs at least 40 operations, twice, on both sides", () => {
    expect(PARITY_OPERATIONS.length).toBeGreaterThanOrEqual(40);
    expect(answers.map((a) => a.name)).toEqual(node!.map((a) => a.name));
    expect(answers.length).toBe(PARITY_OPERATIONS.length * 2);
  });

  it("masks nothing: no operation of the list is an unexpected error on either side", () => {
    const masked = [...answers, ...node!].filter((a) => JSON.stringify(a.body).includes("Unexpected error."));
    expect(masked.map((a) => a.name)).toEqual([]);
  });

  it.each(node ?? [])("$name", ({ name, status, body }) => {
    const mine = answers.find((a) => a.name === name);
    expect(mine).toEqual({ name, status, body });
  });
});
