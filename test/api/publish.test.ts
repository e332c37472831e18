// Publish over the API (issue 16 points 1, 5, 6; docs/decisions/0024): through the real app
// with real API keys sent as `Authorization: Bearer`, on PGlite and node-postgres. Nothing is
// mocked; every outcome is asserted exactly.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { actorOf } from "../../src/catalog/audit.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { type ImportReport, importFiles } from "../../src/catalog/import.js";
import { PUBLISH_LIMITS, type PublishWriter, publishFiles } from "../../src/catalog/publish.js";
import type { App } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/catalog");

async function filesOf(dir: string): Promise<{ path: string; content: string }[]> {
  const out: { path: string; content: string }[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else
        out.push({ path: relative(dir, full).split("\\").join("/"), content: await readFile(full, "utf8") });
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

const agent = (name: string, body = "Body.\n", extra = "") =>
  `---\nname: ${name}\ndescription: The ${name} agent.${extra}\n---\n${body}`;

// The bad inputs the reader already survives (test/hostile/deep-input.test.ts), and others.
const HOSTILE = [
  {
    path: "agents/tools-30k.md",
    content: `---\nname: tools-30k\ndescription: Deep tools.\ntools: ${"[".repeat(30_000)}${"]".repeat(30_000)}\n---\nBody.\n`,
  },
  {
    path: "agents/description-20k.md",
    content: `---\nname: description-20k\ndescription: ${"{a: ".repeat(20_000)}\n---\nBody.\n`,
  },
  {
    path: "agents/blocks-3k.md",
    content: `---\nname: blocks-3k\ndescription: Deep blocks.\nlist:\n${"- ".repeat(3_000)}x\n---\nBody.\n`,
  },
  { path: "agents/empty.md", content: "" },
  { path: "p/.claude-plugin/plugin.json", content: "{ not json" },
];

const PUBLISH = `mutation Publish($input: PublishInput!) {
  publish(input: $input) {
    __typename
    ... on PublishReport { source generation created updated unchanged deleted
      failed { path diagnostics { code line column message } } conflicts { path diagnostics { code } } }
    ... on AgentryPublishRefusedError { message rule path index limit actual }
    ... on AgentryConflictError { message source currentGeneration expectedGeneration }
    ... on AgentryForbiddenError { message requiredScope }
    ... on AgentryUnauthenticatedError { message requiredScope }
    ... on AgentryInvalidInputError { message issues { path message } }
    ... on AgentryError { message }
  }
}`;

const BEGIN = `mutation Begin($input: BeginPublishInput!) {
  beginPublish(input: $input) { __typename ... on PublishStaging { id source files bytes ifGeneration expiresAt }
    ... on AgentryConflictError { currentGeneration } ... on AgentryError { message } }
}`;
const STAGE = `mutation Stage($input: StagePublishFilesInput!) {
  stagePublishFiles(input: $input) { __typename ... on PublishStaging { id files bytes }
    ... on AgentryPublishRefusedError { rule path limit actual } ... on AgentryError { message } }
}`;
const COMMIT = `mutation Commit($input: CommitPublishInput!) {
  commitPublish(input: $input) { __typename
    ... on PublishReport { generation created updated unchanged deleted failed { path } }
    ... on AgentryConflictError { currentGeneration expectedGeneration } ... on AgentryError { message } }
}`;
const AUDIT = `query Audit($source: String, $first: Int, $after: String) {
  auditEvents(source: $source, first: $first, after: $after) {
    nodes { id at actorKind actorName actorId action source pathCount paths counts { name value } generation requestId }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The report as GraphQL answers it, from importFiles' report. */
function asAnswered(r: ImportReport) {
  return {
    __typename: "PublishReport",
    source: r.source,
    generation: r.generation,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    deleted: r.deleted,
    failed: r.failed.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map((d) => ({
        code: d.code,
        line: d.line,
        column: d.column,
        message: d.message,
      })),
    })),
    conflicts: r.conflicts.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map((d) => ({ code: d.code })),
    })),
  };
}

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

for (const c of cases) {
  describe(`publish over the API (${c.driver})`, () => {
    let t: TestDatabase;
    let database: Database;
    let app: App;
    const tokens: Record<string, string> = {};
    const as = (who: string): Record<string, string> =>
      who === "anonymous" ? {} : { authorization: `Bearer ${tokens[who]}` };
    const publish = (who: string, input: Record<string, unknown>, headers: Record<string, string> = {}) =>
      gql<any>(app, PUBLISH, { input }, { ...as(who), ...headers });
    const count = async (query: string) =>
      Number(rowsOf<{ n: unknown }>(await database.db.execute(sql.raw(query)))[0]!.n);
    const generationOf = async (source: string) => {
      const r = await gql<any>(app, "{ sources(first: 100) { nodes { name generation agentCount } } }");
      return r.body.data.sources.nodes.find((s: { name: string }) => s.name === source) ?? null;
    };

    beforeAll(async () => {
      t = await c.open();
      database = t.database;
      app = testApp(database);
      for (const [name, scopes] of [
        ["reader", ["read"]],
        ["other-publisher", ["publish:other"]],
        [
          "team-publisher",
          [
            "publish:team",
            "publish:limits",
            "publish:gen",
            "publish:staged",
            "publish:audited",
            "publish:deletes",
          ],
        ],
        ["second-publisher", ["publish:team", "publish:gen", "publish:staged"]],
        ["root", ["admin"]],
      ] as const) {
        tokens[name] = (await createKey(database.db, { name, scopes: [...scopes] })).token;
      }
    }, 60_000);
    afterAll(async () => {
      await t?.cleanup();
    });

    it("asks for publish:<source>: anonymous is unauthenticated, read and publish:other are forbidden, and nothing is stored", async () => {
      const input = { source: "team", files: [{ path: "agents/a.md", content: agent("a") }] };
      const anonymous = await publish("anonymous", input);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body.data.publish).toEqual({
        __typename: "AgentryUnauthenticatedError",
        message:
          "this needs the scope publish:team: send an API key as `Authorization: Bearer agentry_…` (agentry keys create)",
        requiredScope: "publish:team",
      });
      for (const who of ["reader", "other-publisher"]) {
        const r = await publish(who, input);
        expect(r.body.data.publish).toEqual({
          __typename: "AgentryForbiddenError",
          message: "this needs the scope publish:team, which the caller's key does not hold",
          requiredScope: "publish:team",
        });
      }
      expect(await count("select count(*) as n from files")).toBe(0);
      expect(await count("select count(*) as n from sources")).toBe(0);
      // The keys this test made are in the trail (key-create); no refused change is.
      expect(await count("select count(*) as n from audit_events where action <> 'key-create'")).toBe(0);
      // The scope is checked before any file is: a bad path is not even looked at.
      const bad = await publish("reader", { source: "team", files: [{ path: "../x.md", content: "" }] });
      expect(bad.body.data.publish.__typename).toBe("AgentryForbiddenError");
    });

    it("publish:this and admin publish; the report equals importFiles' for the same files, failures located", async () => {
      const files = [...(await filesOf(FIXTURES)), ...HOSTILE];
      const mine = await publish("team-publisher", { source: "team", files });
      expect(mine.body.errors).toBeUndefined();
      const cli = await importFiles(
        database,
        files.map((f) => ({ path: f.path, text: f.content })),
        { source: "cli-team" },
      );
      expect(mine.body.data.publish).toEqual({ ...asAnswered(cli), source: "team" });
      expect(mine.body.data.publish.created).toEqual([
        "plugins/payments/.claude-plugin/plugin.json",
        "plugins/payments/agents/ledger-keeper.md",
        "plugins/payments/agents/payments-architect.md",
        "plugins/payments/commands/reconcile.md",
        "plugins/payments/skills/ledger-rules/SKILL.md",
        "release-manager.md",
      ]);
      expect(
        mine.body.data.publish.failed.map((f: { path: string; diagnostics: { code: string }[] }) => [
          f.path,
          f.diagnostics[0]!.code,
        ]),
      ).toEqual([
        ["agents/tools-30k.md", "frontmatter-too-deep"],
        ["agents/description-20k.md", "frontmatter-too-deep"],
        ["agents/blocks-3k.md", "frontmatter-too-deep"],
        ["agents/empty.md", "empty"],
        ["p/.claude-plugin/plugin.json", expect.any(String)],
      ]);
      // The same reads answer for both: references resolved the same way.
      const q = (s: string) =>
        gql<any>(
          app,
          `{ agents(first: 50, filter: { source: "${s}" }) { totalCount nodes { name tools { name } skills { name resolved } } } }`,
        );
      expect((await q("team")).body.data).toEqual((await q("cli-team")).body.data);
      // admin publishes too; unchanged files write nothing and keep the generation.
      const again = await publish("root", { source: "team", files });
      expect(again.body.data.publish.unchanged).toHaveLength(6);
      expect(again.body.data.publish.generation).toBe(mine.body.data.publish.generation);
    });

    it("refuses every limit and path rule before any work with a typed error naming the file and the limit", async () => {
      const before = await count("select count(*) as n from files");
      const events = await count("select count(*) as n from audit_events");
      const refused = async (files: { path: string; content: string }[]) =>
        (await publish("team-publisher", { source: "limits", files })).body.data.publish;
      const ok = agent("fine");
      expect(
        await refused(Array.from({ length: 101 }, (_, i) => ({ path: `agents/a${i}.md`, content: ok }))),
      ).toEqual({
        __typename: "AgentryPublishRefusedError",
        message:
          "101 files in one request, at most 100: stage them in several (beginPublish, stagePublishFiles, commitPublish)",
        rule: "FILES_PER_REQUEST",
        path: null,
        index: null,
        limit: 100,
        actual: 101,
      });
      expect(
        await refused([
          { path: "agents/ok.md", content: ok },
          { path: "agents/big.md", content: agent("big", "x".repeat(PUBLISH_LIMITS.fileBytes)) },
        ]),
      ).toMatchObject({
        rule: "FILE_BYTES",
        path: "agents/big.md",
        index: 1,
        limit: 131_072,
        actual: agent("big", "x".repeat(PUBLISH_LIMITS.fileBytes)).length,
      });
      // Multi-byte: 50,000 × "é" is 100,000 bytes though 50,000 characters.
      expect(
        await refused([
          { path: "agents/one.md", content: agent("one", "é".repeat(50_000)) },
          { path: "agents/two.md", content: agent("two", "é".repeat(50_000)) },
        ]),
      ).toMatchObject({
        rule: "REQUEST_BYTES",
        path: null,
        limit: 196_608,
        actual: new TextEncoder().encode(agent("one", "é".repeat(50_000)) + agent("two", "é".repeat(50_000)))
          .length,
      });
      const paths: [string, string, string][] = [
        ["", "PATH_EMPTY", 'files.0 "": the path is empty'],
        ["/etc/agents/x.md", "PATH_ABSOLUTE", "absolute"],
        ["C:/agents/x.md", "PATH_ABSOLUTE", "absolute"],
        ["agents\\x.md", "PATH_BACKSLASH", "backslash"],
        ["../agents/x.md", "PATH_DOT_SEGMENT", "`..`"],
        ["agents/../../../etc/x.md", "PATH_DOT_SEGMENT", "`..`"],
        ["agents/./x.md", "PATH_DOT_SEGMENT", "`.`"],
        ["agents//x.md", "PATH_EMPTY_SEGMENT", "empty segment"],
        [
          "agents/x\u0001.md",
          "PATH_CONTROL_CHARACTER",
          'files.0 "agents/x?.md": the path contains a control character',
        ],
        ["agents/x\n.md", "PATH_CONTROL_CHARACTER", "control character"],
        ["agents/x.txt", "PATH_NOT_A_DEFINITION", "not a file an import reads"],
        ["README.md", "PATH_NOT_A_DEFINITION", "not a file an import reads"],
        [`agents/${"a".repeat(1020)}.md`, "PATH_TOO_LONG", "the path is 1030 bytes, at most 1024"],
        ["agents/\ud800.md", "NOT_UTF8", "not valid UTF-8"],
      ];
      for (const [path, rule, words] of paths) {
        const r = await refused([{ path, content: ok }]);
        expect(r.__typename, path).toBe("AgentryPublishRefusedError");
        expect(r.rule, path).toBe(rule);
        expect(r.index, path).toBe(0);
        expect(r.message, path).toContain(words);
        expect(r.limit, path).toBeNull();
      }
      expect(
        await refused([
          { path: "agents/a.md", content: ok },
          { path: "agents/a.md", content: ok },
        ]),
      ).toMatchObject({ rule: "PATH_DUPLICATE", path: "agents/a.md", index: 1 });
      expect(await refused([{ path: "agents/a.md", content: `${ok}\ud800` }])).toMatchObject({
        rule: "NOT_UTF8",
        path: "agents/a.md",
      });
      // NUL, which PostgreSQL cannot store in text, is refused with every other argument's NUL.
      const nul = await publish("team-publisher", {
        source: "limits",
        files: [{ path: "agents/a\u0000.md", content: ok }],
      });
      expect(nul.body.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: "BAD_USER_INPUT",
            issues: [{ path: "input.files.0.path", message: "must not contain a NUL character (U+0000)" }],
          }),
        }),
      ]);
      // A bad source name, by the argument's validation.
      const badSource = await publish("root", { source: "../x", files: [] });
      expect(badSource.body.data.publish).toMatchObject({
        __typename: "AgentryInvalidInputError",
        issues: [{ path: "input.source", message: expect.stringContaining("letters, digits") }],
      });
      expect(await count("select count(*) as n from files")).toBe(before);
      expect(await count("select count(*) as n from sources where name = 'limits'")).toBe(0);
      expect(await count("select count(*) as n from audit_events")).toBe(events);
    });

    it("a path-traversal attempt among good files stores nothing anywhere", async () => {
      const before = await count("select count(*) as n from files");
      const r = await publish("team-publisher", {
        source: "team",
        files: [
          { path: "agents/new-one.md", content: agent("new-one") },
          { path: "agents/../../other/agents/evil.md", content: agent("evil") },
        ],
      });
      expect(r.body.data.publish).toMatchObject({ rule: "PATH_DOT_SEGMENT", index: 1 });
      expect(await count("select count(*) as n from files")).toBe(before);
      expect(await count("select count(*) as n from sources where name = 'other'")).toBe(0);
    });

    it("delete: names the live files to soft-delete in the publish's transaction; refused with the path rules, or when also sent", async () => {
      const files = [
        { path: "agents/keep.md", content: agent("keep") },
        { path: "agents/drop.md", content: agent("drop") },
      ];
      const first = await publish("team-publisher", { source: "deletes", files });
      expect(first.body.data.publish.__typename).toBe("PublishReport");
      const events = await count("select count(*) as n from audit_events");
      // One changed file and one path to delete; no prune, nothing else resent.
      const second = await publish("team-publisher", {
        source: "deletes",
        files: [{ path: "agents/keep.md", content: agent("keep", "Changed.\n") }],
        delete: ["agents/drop.md", "agents/never-there.md"],
      });
      expect(second.body.data.publish).toMatchObject({
        __typename: "PublishReport",
        updated: ["agents/keep.md"],
        deleted: ["agents/drop.md"],
        // One step for the change and the deletion together, as a prune.
        generation: first.body.data.publish.generation + 1,
      });
      expect(await count("select count(*) as n from audit_events")).toBe(events + 1);
      const gone = await gql<any>(app, `{ agent(ref: "deletes/drop") { __typename } }`);
      expect(gone.body.data.agent.__typename).toBe("AgentryNotFoundError");
      // Restorable, as every soft delete.
      const restored = await gql<any>(
        app,
        `mutation { restoreAgent(ref: "deletes/drop") { __typename } }`,
        {},
        as("team-publisher"),
      );
      expect(restored.body.data.restoreAgent.__typename).toBe("AgentChange");
      const refused = async (input: Record<string, unknown>) =>
        (await publish("team-publisher", { source: "deletes", files: [], ...input })).body.data.publish;
      expect(await refused({ delete: ["../etc/passwd.md"] })).toMatchObject({
        __typename: "AgentryPublishRefusedError",
        rule: "PATH_DOT_SEGMENT",
        path: "../etc/passwd.md",
        index: 0,
      });
      expect(
        await refused({
          files: [{ path: "agents/keep.md", content: agent("keep") }],
          delete: ["agents/keep.md"],
        }),
      ).toMatchObject({ rule: "DELETE_AND_PUBLISH", path: "agents/keep.md", index: 0 });
      expect(
        await refused({ delete: Array.from({ length: 10_001 }, (_, i) => `agents/x${i}.md`) }),
      ).toMatchObject({
        rule: "DELETES_PER_PUBLISH",
        limit: 10_000,
        actual: 10_001,
      });
      // Nothing of the refused ones was stored, no event written.
      expect(await count("select count(*) as n from audit_events")).toBe(events + 2);
    });

    it("ifGeneration: a publish after someone else's is refused with the current generation, inside the transaction", async () => {
      const first = await publish("team-publisher", {
        source: "gen",
        files: [{ path: "agents/a.md", content: agent("a") }],
        ifGeneration: 0,
      });
      expect(first.body.data.publish.generation).toBe(1);
      const second = await publish("second-publisher", {
        source: "gen",
        files: [{ path: "agents/b.md", content: agent("b") }],
        ifGeneration: 0,
      });
      expect(second.body.data.publish).toEqual({
        __typename: "AgentryConflictError",
        message:
          'source "gen" is at generation 1, not 0: someone else published in between; read it again and retry',
        source: "gen",
        currentGeneration: 1,
        expectedGeneration: 0,
      });
      expect(await count("select count(*) as n from files where path = 'agents/b.md'")).toBe(0);
      const third = await publish("second-publisher", {
        source: "gen",
        files: [{ path: "agents/b.md", content: agent("b") }],
        ifGeneration: 1,
      });
      expect(third.body.data.publish).toMatchObject({ created: ["agents/b.md"], generation: 2 });
    });

    it("a staged publish is invisible until its one commit; readers see the old generation, then all of it", async () => {
      await publish("team-publisher", {
        source: "staged",
        files: [{ path: "agents/old.md", content: agent("old") }],
      });
      const start = await generationOf("staged");
      expect(start).toEqual({ name: "staged", generation: 1, agentCount: 1 });
      const begin = await gql<any>(
        app,
        BEGIN,
        { input: { source: "staged", ifGeneration: 1 } },
        as("team-publisher"),
      );
      const staging = begin.body.data.beginPublish;
      expect(staging).toMatchObject({
        __typename: "PublishStaging",
        source: "staged",
        files: 0,
        bytes: 0,
        ifGeneration: 1,
      });
      const parts = [0, 1, 2].map((k) =>
        Array.from({ length: 40 }, (_, i) => ({
          path: `agents/n${k * 40 + i}.md`,
          content: agent(`n${k * 40 + i}`),
        })),
      );
      for (const [k, files] of parts.entries()) {
        const r = await gql<any>(
          app,
          STAGE,
          { input: { source: "staged", stagingId: staging.id, files } },
          as("team-publisher"),
        );
        expect(r.body.data.stagePublishFiles).toMatchObject({
          __typename: "PublishStaging",
          files: 40 * (k + 1),
        });
        // Between the parts, readers see the source as it was.
        expect(await generationOf("staged")).toEqual(start);
        const agents = await gql<any>(
          app,
          `{ agents(first: 1, filter: { source: "staged" }) { totalCount } }`,
        );
        expect(agents.body.data.agents.totalCount).toBe(1);
      }
      // Another caller, even with the scope, cannot commit (or see) this staging.
      const stolen = await gql<any>(
        app,
        COMMIT,
        { input: { source: "staged", stagingId: staging.id } },
        as("second-publisher"),
      );
      expect(stolen.body.data.commitPublish).toMatchObject({ __typename: "AgentryNotFoundError" });
      const commit = await gql<any>(
        app,
        COMMIT,
        { input: { source: "staged", stagingId: staging.id, prune: true } },
        as("team-publisher"),
      );
      expect(commit.body.data.commitPublish).toEqual({
        __typename: "PublishReport",
        generation: 2,
        created: parts
          .flat()
          .map((f) => f.path)
          .sort(),
        updated: [],
        unchanged: [],
        deleted: ["agents/old.md"],
        failed: [],
      });
      expect(await generationOf("staged")).toEqual({ name: "staged", generation: 2, agentCount: 120 });
      expect(await count(`select count(*) as n from publish_stagings`)).toBe(0);
      expect(await count(`select count(*) as n from publish_staged_files`)).toBe(0);
      const search = await gql<any>(
        app,
        `{ agents(first: 5, filter: { source: "staged", text: "n77" }) { nodes { name } } }`,
      );
      expect(search.body.data.agents.nodes[0]).toEqual({ name: "n77" });
      // Committed once: the staging is gone.
      const twice = await gql<any>(
        app,
        COMMIT,
        { input: { source: "staged", stagingId: staging.id } },
        as("team-publisher"),
      );
      expect(twice.body.data.commitPublish).toMatchObject({
        __typename: "AgentryNotFoundError",
        message: `no publish staging "${staging.id}"`,
      });
    });

    it("a staged publish whose source moved on is refused at the commit, and the staging stays", async () => {
      const begin = await gql<any>(
        app,
        BEGIN,
        { input: { source: "gen", ifGeneration: 2 } },
        as("team-publisher"),
      );
      const id = begin.body.data.beginPublish.id;
      await gql<any>(
        app,
        STAGE,
        { input: { source: "gen", stagingId: id, files: [{ path: "agents/c.md", content: agent("c") }] } },
        as("team-publisher"),
      );
      await publish("second-publisher", {
        source: "gen",
        files: [{ path: "agents/d.md", content: agent("d") }],
      });
      const commit = await gql<any>(
        app,
        COMMIT,
        { input: { source: "gen", stagingId: id } },
        as("team-publisher"),
      );
      expect(commit.body.data.commitPublish).toEqual({
        __typename: "AgentryConflictError",
        message:
          'source "gen" is at generation 3, not 2: someone else published in between; read it again and retry',
        currentGeneration: 3,
        expectedGeneration: 2,
      });
      expect(await count("select count(*) as n from files where path = 'agents/c.md'")).toBe(0);
      expect(await count(`select count(*) as n from publish_staged_files where staging_id = '${id}'`)).toBe(
        1,
      );
      const late = await gql<any>(
        app,
        BEGIN,
        { input: { source: "gen", ifGeneration: 2 } },
        as("team-publisher"),
      );
      expect(late.body.data.beginPublish).toMatchObject({
        __typename: "AgentryConflictError",
        currentGeneration: 3,
      });
      // Committing with the current generation goes through.
      const retried = await gql<any>(
        app,
        COMMIT,
        { input: { source: "gen", stagingId: id, ifGeneration: 3 } },
        as("team-publisher"),
      );
      expect(retried.body.data.commitPublish).toMatchObject({ created: ["agents/c.md"], generation: 4 });
    });

    it("stagePublishFiles refuses a request's limits like publish, and stages nothing", async () => {
      const begin = await gql<any>(app, BEGIN, { input: { source: "team" } }, as("team-publisher"));
      const id = begin.body.data.beginPublish.id;
      const r = await gql<any>(
        app,
        STAGE,
        { input: { source: "team", stagingId: id, files: [{ path: "/abs.md", content: "x" }] } },
        as("team-publisher"),
      );
      expect(r.body.data.stagePublishFiles).toMatchObject({
        __typename: "AgentryPublishRefusedError",
        rule: "PATH_ABSOLUTE",
        path: "/abs.md",
        limit: null,
        actual: null,
      });
      expect(await count(`select count(*) as n from publish_staged_files where staging_id = '${id}'`)).toBe(
        0,
      );
      // Another source's scope cannot stage into it.
      const other = await gql<any>(
        app,
        STAGE,
        { input: { source: "team", stagingId: id, files: [] } },
        as("other-publisher"),
      );
      expect(other.body.data.stagePublishFiles.__typename).toBe("AgentryForbiddenError");
    });

    it("writes an audit event per change in the change's transaction: who, when, what, the request id; admins read them", async () => {
      const r = await publish(
        "team-publisher",
        {
          source: "audited",
          files: [
            { path: "agents/x.md", content: agent("x") },
            { path: "agents/bad.md", content: "" },
          ],
        },
        { "x-request-id": "req-audit-1" },
      );
      expect(r.body.data.publish.generation).toBe(1);
      const events = await gql<any>(app, AUDIT, { source: "audited" }, as("root"));
      expect(events.body.errors).toBeUndefined();
      const [event] = events.body.data.auditEvents.nodes;
      expect(event).toEqual({
        id: expect.any(String),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actorKind: "key",
        actorName: "team-publisher",
        actorId: expect.stringMatching(/^[0-9a-f]{16}$/),
        action: "publish",
        source: "audited",
        pathCount: 1,
        paths: ["agents/x.md"],
        counts: [
          { name: "created", value: 1 },
          { name: "updated", value: 0 },
          { name: "unchanged", value: 0 },
          { name: "deleted", value: 0 },
          { name: "failed", value: 1 },
          { name: "conflicts", value: 0 },
        ],
        generation: 1,
        requestId: "req-audit-1",
      });
      // Only admins: a GraphQL error with a code, never data.
      for (const [who, code] of [
        ["anonymous", "UNAUTHENTICATED"],
        ["team-publisher", "FORBIDDEN"],
      ]) {
        const denied = await gql<any>(app, AUDIT, { source: "audited" }, as(who!));
        expect(denied.body.data?.auditEvents ?? null).toBeNull();
        expect(denied.body.errors).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code, requiredScope: "admin" }) }),
        ]);
      }
      // Pages, newest first.
      const all = await gql<any>(app, AUDIT, { first: 2 }, as("root"));
      expect(all.body.data.auditEvents.pageInfo.hasNextPage).toBe(true);
      const next = await gql<any>(
        app,
        AUDIT,
        { first: 2, after: all.body.data.auditEvents.pageInfo.endCursor },
        as("root"),
      );
      const ids = [...all.body.data.auditEvents.nodes, ...next.body.data.auditEvents.nodes].map(
        (e: { id: string }) => Number(e.id),
      );
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(ids.length);
      const forged = await gql<any>(app, AUDIT, { after: "bm9wZQ==" }, as("root"));
      expect(forged.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("a publish whose transaction fails at its end leaves no event and no change", async () => {
      const events = await count("select count(*) as n from audit_events");
      const files = await count("select count(*) as n from files");
      // The real transaction, made to fail after everything of the publish was written in it.
      const failing: PublishWriter = {
        transaction: (fn) =>
          database.transaction(async (tx) => {
            await fn(tx);
            const [inside] = rowsOf<{ n: unknown }>(
              await tx.execute(sql`select count(*) as n from audit_events`),
            );
            expect(Number(inside!.n)).toBe(events + 1);
            throw new Error("the commit failed");
          }),
      };
      await expect(
        publishFiles(
          failing,
          { source: "rolled-back", files: [{ path: "agents/r.md", content: agent("r") }] },
          {
            actor: actorOf({
              kind: "key",
              id: "0123456789abcdef",
              name: "k",
              scopes: ["admin"],
              source: null,
            }),
          },
        ),
      ).rejects.toThrow("the commit failed");
      expect(await count("select count(*) as n from audit_events")).toBe(events);
      expect(await count("select count(*) as n from files")).toBe(files);
      expect(await count("select count(*) as n from sources where name = 'rolled-back'")).toBe(0);
    });

    it("deleteAgent and restoreAgent (publish:<source>), deleteSource and restoreSource (admin): soft, restorable, each a generation and an event", async () => {
      const DEL = `mutation D($ref: String!) { deleteAgent(ref: $ref) { __typename ... on AgentChange { ref path generation } ... on AgentryError { message } } }`;
      const RES = `mutation R($ref: String!) { restoreAgent(ref: $ref) { __typename ... on AgentChange { ref path generation } ... on AgentryError { message } } }`;
      const DELS = `mutation DS($name: String!) { deleteSource(name: $name) { __typename ... on SourceChange { source files generation } ... on AgentryForbiddenError { requiredScope } ... on AgentryError { message } } }`;
      const RESS = `mutation RS($name: String!) { restoreSource(name: $name) { __typename ... on SourceChange { source files generation } ... on AgentryError { message } } }`;
      const read = async (ref: string) =>
        (await gql<any>(app, `{ agent(ref: "${ref}") { __typename ... on Agent { ref } } }`)).body.data.agent
          .__typename;
      const gen0 = (await generationOf("team"))!.generation;
      expect(
        (await gql<any>(app, DEL, { ref: "team/payments-ledger-keeper" }, as("other-publisher"))).body.data
          .deleteAgent,
      ).toMatchObject({
        __typename: "AgentryForbiddenError",
      });
      const del = await gql<any>(app, DEL, { ref: "team/payments-ledger-keeper" }, as("team-publisher"));
      expect(del.body.data.deleteAgent).toEqual({
        __typename: "AgentChange",
        ref: "team/payments-ledger-keeper",
        path: "plugins/payments/agents/ledger-keeper.md",
        generation: gen0 + 1,
      });
      expect(await read("team/payments-ledger-keeper")).toBe("AgentryNotFoundError");
      expect(
        (await gql<any>(app, DEL, { ref: "team/payments-ledger-keeper" }, as("team-publisher"))).body.data
          .deleteAgent.__typename,
      ).toBe("AgentryNotFoundError");
      const res = await gql<any>(app, RES, { ref: "team/payments-ledger-keeper" }, as("team-publisher"));
      expect(res.body.data.restoreAgent).toEqual({
        __typename: "AgentChange",
        ref: "team/payments-ledger-keeper",
        path: "plugins/payments/agents/ledger-keeper.md",
        generation: gen0 + 2,
      });
      expect(await read("team/payments-ledger-keeper")).toBe("Agent");
      expect(
        (await gql<any>(app, RES, { ref: "team/payments-ledger-keeper" }, as("team-publisher"))).body.data
          .restoreAgent,
      ).toMatchObject({
        __typename: "AgentryConflictError",
      });
      // A whole source: admin only.
      expect(
        (await gql<any>(app, DELS, { name: "team" }, as("team-publisher"))).body.data.deleteSource,
      ).toEqual({
        __typename: "AgentryForbiddenError",
        message: "this needs the scope admin, which the caller's key does not hold",
        requiredScope: "admin",
      });
      const agentsBefore = (await generationOf("team"))!.agentCount;
      const ds = await gql<any>(app, DELS, { name: "team" }, as("root"));
      expect(ds.body.data.deleteSource).toEqual({
        __typename: "SourceChange",
        source: "team",
        files: 6,
        generation: gen0 + 3,
      });
      expect(await generationOf("team")).toBeNull();
      expect(await read("team/release-manager")).toBe("AgentryNotFoundError");
      const blocked = await publish("team-publisher", {
        source: "team",
        files: [{ path: "agents/z.md", content: agent("z") }],
      });
      expect(blocked.body.data.publish).toMatchObject({
        __typename: "AgentryConflictError",
        currentGeneration: gen0 + 3,
      });
      const rs = await gql<any>(app, RESS, { name: "team" }, as("root"));
      expect(rs.body.data.restoreSource).toEqual({
        __typename: "SourceChange",
        source: "team",
        files: 6,
        generation: gen0 + 4,
      });
      expect(await generationOf("team")).toEqual({
        name: "team",
        generation: gen0 + 4,
        agentCount: agentsBefore,
      });
      expect(await read("team/release-manager")).toBe("Agent");
      const trail = await gql<any>(app, AUDIT, { source: "team", first: 5 }, as("root"));
      expect(
        trail.body.data.auditEvents.nodes.map(
          (e: { action: string; actorName: string; generation: number }) => [
            e.action,
            e.actorName,
            e.generation,
          ],
        ),
      ).toEqual([
        ["restore-source", "root", gen0 + 4],
        ["delete-source", "root", gen0 + 3],
        ["restore-agent", "team-publisher", gen0 + 2],
        ["delete-agent", "team-publisher", gen0 + 1],
        ["publish", "root", gen0],
      ]);
    });

    it("mutations and auditEvents are not offered to a supergraph", async () => {
      const r = await gql<any>(app, "{ _service { sdl } }");
      const sdl: string = r.body.data._service.sdl;
      for (const word of [
        "Mutation",
        "publish",
        "auditEvents",
        "AuditEvent",
        "PublishRule",
        "AgentryForbiddenError",
      ])
        expect(sdl, word).not.toContain(word);
      expect(sdl).toContain("agentGraph");
    });
  });
}
