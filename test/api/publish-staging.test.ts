// The parts of a publish that the API test does not reach (decision 0024): a staging's totals
// (STAGED_FILES, STAGED_BYTES, with the limits lowered to reach them), expired stagings
// deleted by the next beginPublish and refused at commit, a mutation never answered from the
// response cache, a source held by an import (its advisory lock) making a publish wait and
// then answer busy, and the actor a JWT caller is recorded as.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { createGraphCache } from "../../src/cache/index.js";
import { actorOf } from "../../src/catalog/audit.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import {
  beginPublish,
  commitPublish,
  PublishRefusedError,
  publishFiles,
  SourceBusyError,
  stagePublishFiles,
} from "../../src/catalog/publish.js";
import { NotFoundError } from "../../src/catalog/reads/errors.js";
import { readCacheConfig } from "../../src/config.js";
import { createApp } from "../../src/server/app.js";
import { jitPlugin } from "../../src/server/jit.js";
import { captureLogger, gql } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const who = {
  actor: actorOf({ kind: "key", id: "00000000000000aa", name: "ci", scopes: ["admin"], source: null }),
};
const file = (name: string) => ({
  path: `agents/${name}.md`,
  content: `---\nname: ${name}\ndescription: The ${name} agent.\n---\nBody.\n`,
});
const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

for (const c of cases) {
  describe(`staged publishes and their edges (${c.driver})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await c.open();
    });
    afterAll(async () => {
      await t?.cleanup();
    });
    const n = async (query: string) =>
      Number(rowsOf<{ n: unknown }>(await t.database.db.execute(sql.raw(query)))[0]!.n);

    it("refuses a stage that would take the staging past its totals, and keeps what it held", async () => {
      const s = await beginPublish(t.database, { source: "totals" }, who);
      const limits = { stagedFiles: 3, stagedBytes: 200 };
      await stagePublishFiles(
        t.database,
        { id: s.id, source: "totals", files: [file("a"), file("b")] },
        who,
        limits,
      );
      // A path sent again replaces its staged text: still two files.
      const again = await stagePublishFiles(
        t.database,
        { id: s.id, source: "totals", files: [file("b")] },
        who,
        limits,
      );
      expect(again.files).toBe(2);
      const tooMany = await stagePublishFiles(
        t.database,
        { id: s.id, source: "totals", files: [file("c"), file("d")] },
        who,
        limits,
      ).catch((e: unknown) => e);
      expect(tooMany).toBeInstanceOf(PublishRefusedError);
      expect(tooMany).toMatchObject({ rule: "STAGED_FILES", limit: 3, actual: 4 });
      const tooBig = await stagePublishFiles(
        t.database,
        { id: s.id, source: "totals", files: [{ path: "agents/c.md", content: "x".repeat(150) }] },
        who,
        limits,
      ).catch((e: unknown) => e);
      expect(tooBig).toMatchObject({ rule: "STAGED_BYTES", limit: 200, actual: again.bytes + 150 });
      expect(await n(`select count(*) as n from publish_staged_files where staging_id = '${s.id}'`)).toBe(2);
    });

    it("deletes expired stagings at the next beginPublish and refuses to commit one", async () => {
      const old = await beginPublish(t.database, { source: "expiring" }, who);
      await stagePublishFiles(t.database, { id: old.id, source: "expiring", files: [file("x")] }, who);
      await t.database.db.execute(
        sql`update publish_stagings set expires_at = now() - interval '1 second' where id = ${old.id}`,
      );
      const refused = await commitPublish(t.database, { id: old.id, source: "expiring" }, who).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(NotFoundError);
      await beginPublish(t.database, { source: "expiring" }, who);
      expect(await n(`select count(*) as n from publish_stagings where id = '${old.id}'`)).toBe(0);
      expect(await n(`select count(*) as n from publish_staged_files where staging_id = '${old.id}'`)).toBe(
        0,
      );
      expect(await n(`select count(*) as n from files where path = 'agents/x.md'`)).toBe(0);
    });

    it("records a JWT caller by its subject and issuer", async () => {
      await publishFiles(
        t.database,
        { source: "jwt", files: [file("j")] },
        {
          actor: actorOf({
            kind: "jwt",
            issuer: "https://idp.example/",
            subject: "alice",
            scopes: ["admin"],
          }),
        },
      );
      const [row] = rowsOf<Record<string, unknown>>(
        await t.database.db.execute(
          sql`select actor_kind, actor_name, actor_id, path_count from audit_events where source = 'jwt'`,
        ),
      );
      expect(row).toEqual({
        actor_kind: "jwt",
        actor_name: "alice",
        actor_id: "https://idp.example/",
        path_count: 1,
      });
    });

    it("never answers a mutation from the response cache", async () => {
      const graphCache = createGraphCache(readCacheConfig({}), () => {});
      expect(graphCache).not.toBeNull();
      const app = createApp({
        database: t.database,
        logger: captureLogger(),
        plugins: [jitPlugin()],
        rateLimit: false,
        graphCache,
      });
      const { token } = await createKey(t.database.db, {
        name: `cache-${c.driver}`,
        scopes: ["publish:cached"],
      });
      const body = `mutation P($input: PublishInput!) { publish(input: $input) { ... on PublishReport { created unchanged generation } } }`;
      const vars = { input: { source: "cached", files: [file("k")] } };
      const auth = { authorization: `Bearer ${token}` };
      const first = await gql<any>(app, body, vars, auth);
      const second = await gql<any>(app, body, vars, auth);
      expect(first.body.data.publish).toEqual({ created: ["agents/k.md"], unchanged: [], generation: 1 });
      expect(second.body.data.publish).toEqual({ created: [], unchanged: ["agents/k.md"], generation: 1 });
    });

    it.runIf(c.driver === "pg")(
      "waits for an import that holds the source, publishes once it is released, and answers busy past 8 s",
      async () => {
        const release = await t.database.advisoryLock("agentry:source:held");
        const started = Date.now();
        const waiting = publishFiles(t.database, { source: "held", files: [file("h")] }, who);
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(await n(`select count(*) as n from files where path = 'agents/h.md'`)).toBe(0);
        await release();
        const report = await waiting;
        expect(report.created).toEqual(["agents/h.md"]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(600);
        const hold = await t.database.advisoryLock("agentry:source:held");
        try {
          const busy = await publishFiles(t.database, { source: "held", files: [file("i")] }, who).catch(
            (e: unknown) => e,
          );
          expect(busy).toBeInstanceOf(SourceBusyError);
          expect((busy as SourceBusyError).message).toMatch(
            /^source "held" is being imported or published by someone else \(waited \d+ ms\): try again$/,
          );
        } finally {
          await hold();
        }
        expect(await n(`select count(*) as n from files where path = 'agents/i.md'`)).toBe(0);
      },
      30_000,
    );
  });
}

// The Neon drivers through the same SQL: a publish and a staged commit on the Database the
// Worker opens (neon-http's transactions go over a WebSocket pool), as the app's writes run
// once it hands its Database to the GraphQL context.
const neon = (await driverCases()).filter((c) => c.driver === "neon-http" || c.driver === "neon-ws");
describe.each(neon)("publish on $driver", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("publishes, then stages and commits in one transaction, with its audit events", async () => {
    const first = await publishFiles(
      t.database,
      { source: "neon", files: [file("a")], ifGeneration: 0 },
      who,
    );
    expect(first).toMatchObject({ created: ["agents/a.md"], generation: 1 });
    const s = await beginPublish(t.database, { source: "neon", ifGeneration: 1 }, who);
    await stagePublishFiles(t.database, { id: s.id, source: "neon", files: [file("b"), file("c")] }, who);
    const report = await commitPublish(t.database, { id: s.id, source: "neon", prune: true }, who);
    expect(report).toMatchObject({
      created: ["agents/b.md", "agents/c.md"],
      deleted: ["agents/a.md"],
      generation: 2,
    });
    const events = rowsOf<{ action: string; generation: unknown }>(
      await t.database.db.execute(sql`select action, generation from audit_events order by id`),
    );
    expect(events.map((e) => [e.action, Number(e.generation)])).toEqual([
      ["publish", 1],
      ["publish", 2],
    ]);
  });
});
