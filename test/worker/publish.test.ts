// Publish inside workerd (issue 16 point 1, decision 0024): the Worker's own fetch, a real API
// key as `Authorization: Bearer`, against the local PostgreSQL through the Neon stand-ins. With
// neon-ws (a WebSocket pool per request) a publish and a staged publish commit in one
// transaction and read back; with neon-http (the default), whose HTTP queries have no
// transactions, a write goes through the Database's own WebSocket pool for that write.
import { describe, expect, inject, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { openNeon } from "../../src/catalog/drivers/neon.js";
import { readDatabaseConfig } from "../../src/config.js";
import worker, { type Env } from "../../src/worker.js";

// A database of its own: what this suite publishes must not change the parity suite's answers.
const env = inject("workerWriteEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd publish test is skipped");

async function ask(bindings: Env, query: string, variables: Record<string, unknown>, token: string) {
  const response = await worker.fetch(
    new Request("http://agentry.worker/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
    }),
    bindings,
  );
  return { status: response.status, body: (await response.json()) as any };
}

const agent = (name: string) =>
  `---\nname: ${name}\ndescription: The ${name} agent.\ntools: Read\n---\nBody.\n`;

describe.runIf(env)("publish on the Worker", () => {
  it("publishes, stages and commits over neon-ws, and publishes over neon-http", async () => {
    const source = `workerd-${Date.now()}`;
    const database = await openNeon(readDatabaseConfig({ ...env!, AGENTRY_DB_DRIVER: "neon-http" }), {});
    let token = "";
    try {
      token = (await createKey(database.db, { name: `${source}-ci`, scopes: [`publish:${source}`] })).token;
    } finally {
      await database.close();
    }
    const ws: Env = { ...env!, AGENTRY_DB_DRIVER: "neon-ws" };
    const published = await ask(
      ws,
      `mutation P($input: PublishInput!) { publish(input: $input) { __typename
        ... on PublishReport { created generation } ... on AgentryError { message } } }`,
      { input: { source, files: [{ path: "agents/alpha.md", content: agent("alpha") }], ifGeneration: 0 } },
      token,
    );
    expect(published).toEqual({
      status: 200,
      body: {
        data: { publish: { __typename: "PublishReport", created: ["agents/alpha.md"], generation: 1 } },
      },
    });
    const begin = await ask(
      ws,
      `mutation { beginPublish(input: { source: "${source}", ifGeneration: 1 }) { ... on PublishStaging { id } } }`,
      {},
      token,
    );
    const id = begin.body.data.beginPublish.id;
    const staged = await ask(
      ws,
      `mutation S($input: StagePublishFilesInput!) { stagePublishFiles(input: $input) { ... on PublishStaging { files } } }`,
      { input: { source, stagingId: id, files: [{ path: "agents/beta.md", content: agent("beta") }] } },
      token,
    );
    expect(staged.body.data.stagePublishFiles).toEqual({ files: 1 });
    const committed = await ask(
      ws,
      `mutation C($input: CommitPublishInput!) { commitPublish(input: $input) { ... on PublishReport { created unchanged generation } } }`,
      { input: { source, stagingId: id } },
      token,
    );
    expect(committed.body.data.commitPublish).toEqual({
      created: ["agents/beta.md"],
      unchanged: [],
      generation: 2,
    });
    // Read back through the Worker's default driver.
    const read = await ask(
      env!,
      `{ agent(ref: "${source}/beta") { ... on Agent { ref tools { name } } } }`,
      {},
      token,
    );
    expect(read.body.data.agent).toEqual({ ref: `${source}/beta`, tools: [{ name: "Read" }] });
    // The Worker's default driver, neon-http: a write opens a WebSocket pool of its own.
    const http = await ask(
      env!,
      `mutation P($input: PublishInput!) { publish(input: $input) { __typename ... on PublishReport { created generation } } }`,
      { input: { source, files: [{ path: "agents/gamma.md", content: agent("gamma") }], ifGeneration: 2 } },
      token,
    );
    expect(http).toEqual({
      status: 200,
      body: {
        data: { publish: { __typename: "PublishReport", created: ["agents/gamma.md"], generation: 3 } },
      },
    });
  });
});
