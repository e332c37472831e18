// `agentry plan` (and `push --dry-run`) as CI runs it on a pull request (issue 16 point 1,
// docs/decisions/0025-push-and-plan.md): the real app over HTTP on PGlite and node-postgres,
// a real key, the real CLI. The plan is the semantic diff of the catalog (agents added,
// changed with their tools, skills, model and edges, removed), the references that would be
// left unresolved with the file and line of each dependent, exit 3 when one would; and after
// every plan the catalog is exactly as it was (every table's rows, the generation, the token).
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { createServerAdapter } from "@whatwg-node/server";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import type { App, Peer } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const FIXTURE = resolve(import.meta.dirname, "../fixtures/push-team");

async function serve(app: App) {
  const server = createServer(
    createServerAdapter<{ req: IncomingMessage }>((request: Request, context) =>
      app.fetch(request, undefined, { address: context.req?.socket.remoteAddress ?? null } satisfies Peer),
    ),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** The CLI in a child process, run from `cwd` (annotations name files relative to it). */
async function cli(args: string[], env: Record<string, string>, cwd: string) {
  const base = { ...process.env };
  delete base.AGENTRY_TOKEN;
  delete base.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...base, ...env },
      cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const CHANGELOG_BOT =
  "---\nname: changelog-bot\ndescription: Collects merged pull requests into the next changelog entry.\nmodel: haiku\n---\n\nOne line per change, newest first.\n";
const QA_ENGINEER =
  "---\nname: qa-engineer\ndescription: Writes the acceptance checks for a new endpoint.\nmodel: sonnet\ntools: Read, Bash\n---\n\nEvery check names the requirement it proves.\n";
const API_DESIGNER_CHANGED = `---
name: api-designer
description: Shapes HTTP and GraphQL interfaces before anyone writes a handler.
model: opus
tools: Read, Grep, Bash
---

You draft the contract first and argue about names early.

When the contract is agreed, hand off to **docs-writer** for the reference pages.
Once it is published, hand off to **release-captain** to ship it.
`;

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

for (const c of cases) {
  describe(`agentry plan (${c.driver})`, () => {
    let t: TestDatabase;
    let database: Database;
    let app: App;
    let server: Awaited<ReturnType<typeof serve>>;
    let work: string;
    let env: Record<string, string>;

    /** Every table's rows (api_keys by count: a request may touch last_used_at). */
    const fingerprint = async () => {
      const tables = rowsOf<{ name: string }>(
        await database.db.execute(
          sql`select table_name as name from information_schema.tables
               where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
        ),
      ).map((r) => r.name);
      const out: Record<string, string> = {};
      for (const name of tables) {
        const [row] = rowsOf<{ n: unknown; h: string | null }>(
          await database.db.execute(
            sql.raw(
              name === "api_keys"
                ? `select count(*) as n, null as h from ${name}`
                : `select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${name}" t`,
            ),
          ),
        );
        out[name] = `${Number(row!.n)}:${row!.h}`;
      }
      return out;
    };

    const plan = async (dir: string, extra: string[]) => {
      const r = await cli(
        ["plan", relative(work, dir), "--source", "team", "--to", server.url, ...extra],
        env,
        work,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout + r.stderr).not.toContain(env.AGENTRY_TOKEN);
      return r;
    };

    beforeAll(async () => {
      t = await c.open();
      database = t.database;
      app = testApp(database);
      server = await serve(app);
      work = await mkdtemp(join(tmpdir(), "agentry-plan-"));
      env = {
        AGENTRY_TOKEN: (await createKey(database.db, { name: "ci", scopes: ["publish:team"] })).token,
      };
      // The catalog as main has it: the fixture and one more agent.
      const main = join(work, "main");
      await cp(FIXTURE, main, { recursive: true });
      await writeFile(join(main, "agents/changelog-bot.md"), CHANGELOG_BOT);
      const pushed = await cli(["push", "main", "--source", "team", "--to", server.url], env, work);
      expect(pushed.code).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await t?.cleanup();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("shows agents added, changed (model, tools, skills, edges) and removed; exit 0; nothing changes", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "pr-1");
      await cp(FIXTURE, dir, { recursive: true });
      await writeFile(join(dir, "agents/api-designer.md"), API_DESIGNER_CHANGED);
      await writeFile(join(dir, "agents/qa-engineer.md"), QA_ENGINEER);
      const before = await fingerprint();

      const r = await plan(dir, ["--prune"]);
      expect(r.stdout).toBe(
        [
          "+ team/qa-engineer (pr-1/agents/qa-engineer.md)",
          "~ team/api-designer (pr-1/agents/api-designer.md)",
          "    model: sonnet -> opus",
          "    tools: +Bash",
          "    skills: -api-style",
          "    edges: +handoff api-designer -> release-captain",
          "- team/changelog-bot (pr-1/agents/changelog-bot.md)",
          "",
        ].join("\n"),
      );
      expect(r.stderr).toBe(
        `agentry: plan for source "team" on ${server.url}: 1 agents added, 1 changed, 1 removed; 1 files created, 1 updated, 3 unchanged, 1 deleted, 0 failed; 0 references would break (nothing was changed)\n`,
      );
      expect(r.code).toBe(0);

      const json = await plan(dir, ["--prune", "--format", "json"]);
      expect(json.code).toBe(0);
      const answer = JSON.parse(json.stdout);
      expect(answer).toMatchObject({
        source: "team",
        currentGeneration: 1,
        breaks: false,
        report: {
          generation: 2,
          created: ["agents/qa-engineer.md"],
          updated: ["agents/api-designer.md"],
          deleted: ["agents/changelog-bot.md"],
          failed: [],
        },
        agentsAdded: [{ ref: "team/qa-engineer", path: "agents/qa-engineer.md" }],
        agentsRemoved: [{ ref: "team/changelog-bot", path: "agents/changelog-bot.md" }],
        brokenReferences: [],
      });
      expect(answer.agentsChanged).toEqual([
        {
          ref: "team/api-designer",
          path: "agents/api-designer.md",
          diff: {
            fromRevision: 1,
            toRevision: 2,
            name: null,
            model: { from: "sonnet", to: "opus" },
            toolsMode: null,
            toolsAdded: [{ name: "Bash" }],
            toolsRemoved: [],
            toolsRetiered: [],
            skillsAdded: [],
            skillsRemoved: ["api-style"],
            commandsAdded: [],
            commandsRemoved: [],
            collaborationsAdded: [{ kind: "HANDOFF", from: "api-designer", to: "release-captain" }],
            collaborationsRemoved: [],
            descriptionChanged: false,
            bodyChanged: true,
          },
        },
      ]);
      // Nothing of either plan was kept: rows, generation, catalog token, audit trail.
      expect(await fingerprint()).toEqual(before);
      const sources = await gql<any>(app, "{ sources(first: 10) { nodes { name generation agentCount } } }");
      expect(sources.body.data.sources.nodes).toEqual([{ name: "team", generation: 1, agentCount: 4 }]);
    });

    it("a removed handoff target breaks its dependents: file and line of each, exit 3, GitHub annotations exactly", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "pr-2");
      await cp(FIXTURE, dir, { recursive: true });
      await unlink(join(dir, "agents/docs-writer.md"));
      await writeFile(join(dir, "agents/empty.md"), "");
      const before = await fingerprint();

      const r = await plan(dir, ["--prune"]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe(
        [
          "pr-2/agents/empty.md:1:1: error: the file is empty",
          "- team/changelog-bot (pr-2/agents/changelog-bot.md)",
          "- team/docs-writer (pr-2/agents/docs-writer.md)",
          "2 references would break:",
          '  pr-2/agents/api-designer.md:11: team/api-designer refers to agent "docs-writer", which would be unresolved: the push removes agent "docs-writer"',
          '  pr-2/agents/release-captain.md:10: team/release-captain refers to agent "docs-writer", which would be unresolved: the push removes agent "docs-writer"',
          "",
        ].join("\n"),
      );

      const github = await plan(dir, ["--prune", "--format", "github"]);
      expect(github.code).toBe(3);
      expect(github.stdout).toBe(
        [
          '::error file=pr-2/agents/api-designer.md,line=11::team/api-designer refers to agent "docs-writer", which would be unresolved: the push removes agent "docs-writer"',
          '::error file=pr-2/agents/release-captain.md,line=10::team/release-captain refers to agent "docs-writer", which would be unresolved: the push removes agent "docs-writer"',
          "::error file=pr-2/agents/empty.md,line=1,col=1::the file is empty",
          "::warning file=pr-2/agents/changelog-bot.md::the push removes agent team/changelog-bot",
          "::warning file=pr-2/agents/docs-writer.md::the push removes agent team/docs-writer",
          "",
        ].join("\n"),
      );
      expect(github.stderr).toBe(
        `agentry: plan for source "team" on ${server.url}: 0 agents added, 0 changed, 2 removed; 0 files created, 0 updated, 3 unchanged, 2 deleted, 1 failed; 2 references would break (nothing was changed)\n`,
      );

      const json = JSON.parse((await plan(dir, ["--prune", "--format", "json"])).stdout);
      expect(json.breaks).toBe(true);
      expect(json.brokenReferences).toEqual([
        {
          kind: "collaborator",
          name: "docs-writer",
          agent: "team/api-designer",
          path: "agents/api-designer.md",
          line: 11,
          text: "When the contract is agreed, hand off to **docs-writer** for the reference pages.",
          targetRemoved: true,
        },
        {
          kind: "collaborator",
          name: "docs-writer",
          agent: "team/release-captain",
          path: "agents/release-captain.md",
          line: 10,
          text: "Before tagging, hand off to **docs-writer** for the release notes.",
          targetRemoved: true,
        },
      ]);

      // push --dry-run is the same plan, and sends nothing.
      const dry = await cli(
        [
          "push",
          "pr-2",
          "--source",
          "team",
          "--to",
          server.url,
          "--prune",
          "--dry-run",
          "--format",
          "github",
        ],
        env,
        work,
      );
      expect(dry.code).toBe(3);
      expect(dry.stdout).toBe(github.stdout);
      expect(await fingerprint()).toEqual(before);
    });

    it("planPublish asks for publish:<source>, and a plan of a staging leaves the source as it was", {
      timeout: 60_000,
    }, async () => {
      const mutation = `mutation P($input: PlanPublishInput!) { planPublish(input: $input) { __typename
        ... on PublishPlan { agentsAdded { ref } report { created } } ... on AgentryError { message } } }`;
      const files = [{ path: "agents/x.md", content: "---\nname: x\ndescription: X.\n---\nBody.\n" }];
      const anonymous = await gql<any>(app, mutation, { input: { source: "team", files } });
      expect(anonymous.body.data.planPublish.__typename).toBe("AgentryUnauthenticatedError");
      const other = (await createKey(database.db, { name: "other", scopes: ["publish:other"] })).token;
      const forbidden = await gql<any>(
        app,
        mutation,
        { input: { source: "team", files } },
        { authorization: `Bearer ${other}` },
      );
      expect(forbidden.body.data.planPublish).toEqual({
        __typename: "AgentryForbiddenError",
        message: "this needs the scope publish:team, which the caller's key does not hold",
      });
      const auth = { authorization: `Bearer ${env.AGENTRY_TOKEN}` };
      const begun = await gql<any>(
        app,
        'mutation { beginPublish(input: { source: "team" }) { ... on PublishStaging { id } } }',
        {},
        auth,
      );
      const stagingId = begun.body.data.beginPublish.id as string;
      await gql<any>(
        app,
        "mutation S($input: StagePublishFilesInput!) { stagePublishFiles(input: $input) { __typename } }",
        { input: { source: "team", stagingId, files } },
        auth,
      );
      const before = await fingerprint();
      const planned = await gql<any>(app, mutation, { input: { source: "team", stagingId } }, auth);
      expect(planned.body.data.planPublish).toEqual({
        __typename: "PublishPlan",
        agentsAdded: [{ ref: "team/x" }],
        report: { created: ["agents/x.md"] },
      });
      expect(await fingerprint()).toEqual(before);
    });

    it.runIf(c.driver === "pg")(
      "a plan takes the source's import lock: it waits while an import holds it",
      { timeout: 60_000 },
      async () => {
        // What `agentry import` holds for its whole length: the session-level lock of the key.
        const importer = new pg.Client({ connectionString: t.url! });
        await importer.connect();
        try {
          await importer.query("select pg_advisory_lock(hashtext('agentry:source:team'))");
          let settled = false;
          const planned = gql<any>(
            app,
            `mutation P($input: PlanPublishInput!) { planPublish(input: $input) { __typename } }`,
            { input: { source: "team", files: [] } },
            { authorization: `Bearer ${env.AGENTRY_TOKEN}` },
          ).then((r) => {
            settled = true;
            return r;
          });
          await new Promise((done) => setTimeout(done, 800));
          expect(settled).toBe(false);
          await importer.query("select pg_advisory_unlock(hashtext('agentry:source:team'))");
          expect((await planned).body.data.planPublish.__typename).toBe("PublishPlan");
        } finally {
          await importer.end();
        }
      },
    );

    it("the plan's report is the report the push then gives; planned again, nothing is left to change", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "pr-1");
      const planned = JSON.parse((await plan(dir, ["--prune", "--format", "json"])).stdout);
      const pushed = await cli(
        ["push", "pr-1", "--source", "team", "--to", server.url, "--prune", "--json"],
        env,
        work,
      );
      expect(pushed.code).toBe(0);
      const { sent: _sent, requests: _requests, source: _source, ...report } = JSON.parse(pushed.stdout);
      expect(report).toEqual(planned.report);
      const again = await plan(dir, ["--prune"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(`no changes: ${server.url} already holds this folder\n`);
    });
  });
}
