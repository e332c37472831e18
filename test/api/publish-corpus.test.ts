// The whole public corpus published over the API in a staged publish (as a CLI sending a large
// folder would: requests of at most 100 files and 196,608 bytes), committed in one
// transaction, on PGlite and node-postgres: the report equals `agentry import`'s for the same
// files, readers see nothing until the commit and everything after, and the commit's time is
// printed (docs/decisions/0024 quotes it).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { importFiles } from "../../src/catalog/import.js";
import { PUBLISH_LIMITS } from "../../src/catalog/publish.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import type { App } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { CORPUS_DIR, requireShared } from "../support/shared.js";

const present = requireShared(CORPUS_DIR);
const files = present
  ? (await findDefinitionFiles([CORPUS_DIR], { note: () => {} })).map((f) => ({
      path: f.relativePath,
      content: readFileSync(f.path, "utf8"),
    }))
  : [];

/** Requests as a client would cut them: within both per-request limits. */
function requests(all: typeof files): (typeof files)[] {
  const out: (typeof files)[] = [];
  let current: typeof files = [];
  let bytes = 0;
  const encoder = new TextEncoder();
  for (const f of all) {
    const size = encoder.encode(f.content).length;
    if (current.length === PUBLISH_LIMITS.filesPerRequest || bytes + size > PUBLISH_LIMITS.requestBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

describe.runIf(present).each(cases)("the corpus published over the API on $driver", ({ driver, open }) => {
  let t: TestDatabase;
  let app: App;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await open();
    app = testApp(t.database);
    const { token } = await createKey(t.database.db, { name: "ci", scopes: ["publish:wshobson"] });
    auth = { authorization: `Bearer ${token}` };
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it("stages it in requests within the limits, commits it in one transaction, reports as import does", async () => {
    const parts = requests(files);
    expect(files.length).toBeGreaterThan(400);
    expect(parts.length).toBeGreaterThan(1);
    const begin = await gql<any>(
      app,
      `mutation { beginPublish(input: { source: "wshobson", ifGeneration: 0 }) { ... on PublishStaging { id } ... on AgentryError { message } } }`,
      {},
      auth,
    );
    const id = begin.body.data.beginPublish.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const part of parts) {
      const r = await gql<any>(
        app,
        `mutation S($input: StagePublishFilesInput!) { stagePublishFiles(input: $input) { __typename ... on AgentryError { message } } }`,
        { input: { source: "wshobson", stagingId: id, files: part } },
        auth,
      );
      expect(r.body.data.stagePublishFiles).toEqual({ __typename: "PublishStaging" });
      const seen = await gql<any>(app, `{ agents(first: 1, filter: { source: "wshobson" }) { totalCount } }`);
      expect(seen.body.data.agents.totalCount).toBe(0);
    }
    const started = performance.now();
    const commit = await gql<any>(
      app,
      `mutation C($input: CommitPublishInput!) { commitPublish(input: $input) { __typename
        ... on PublishReport { generation created updated unchanged deleted failed { path } conflicts { path } }
        ... on AgentryError { message } } }`,
      { input: { source: "wshobson", stagingId: id } },
      auth,
    );
    const ms = performance.now() - started;
    console.log(
      `${driver}: commitPublish of ${files.length} files (${parts.length} staged requests) in one transaction: ${Math.round(ms)} ms`,
    );
    const report = commit.body.data.commitPublish;
    expect(report.__typename).toBe("PublishReport");
    // One transaction: one generation step for the whole corpus.
    expect(report.generation).toBe(1);
    const cli = await importFiles(
      t.database,
      files.map((f) => ({ path: f.path, text: f.content })),
      { source: "wshobson-cli" },
    );
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(report.created)).toEqual(sorted(cli.created));
    expect(report.failed).toEqual(cli.failed.map((f) => ({ path: f.path })));
    expect(report.conflicts).toEqual(cli.conflicts.map((f) => ({ path: f.path })));
    const count = async (source: string) =>
      (await gql<any>(app, `{ agents(first: 1, filter: { source: "${source}" }) { totalCount } }`)).body.data
        .agents.totalCount;
    expect(await count("wshobson")).toBe(await count("wshobson-cli"));
    expect(await count("wshobson")).toBe(202);
  }, 300_000);
});
