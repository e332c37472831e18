// `agentry push` as CI runs it (issue 16 point 1, docs/decisions/0025-push-and-plan.md): the
// real app served over HTTP on PGlite and on node-postgres, real API keys, and the real CLI
// (bin/agentry.js) in a child process. The server counts what it receives: a second push of
// the same folder sends no file, an edit sends one, a folder over one request's limits is
// staged and committed in one transaction. The token never shows in what the CLI prints.
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createServerAdapter } from "@whatwg-node/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import type { App, Peer } from "../../src/server/app.js";
import { MemoryRateLimit } from "../../src/server/rate-limit.js";
import { captureLogger, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const FIXTURE = resolve(import.meta.dirname, "../fixtures/push-team");

interface Received {
  operation: string;
  files: number;
}

/** The app on a loopback port, recording each GraphQL operation's name and files sent. */
async function serve(app: App) {
  const received: Received[] = [];
  const server = createServer(
    createServerAdapter<{ req: IncomingMessage }>(async (request: Request, context) => {
      if (request.method === "POST") {
        const body = (await request
          .clone()
          .json()
          .catch(() => ({}))) as { query?: string; variables?: { input?: { files?: unknown[] } } };
        const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "?";
        received.push({ operation, files: body.variables?.input?.files?.length ?? 0 });
      }
      return app.fetch(request, undefined, {
        address: context.req?.socket.remoteAddress ?? null,
      } satisfies Peer);
    }),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.AGENTRY_TOKEN;
  delete base.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...base, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const agent = (name: string, body: string) =>
  `---\nname: ${name}\ndescription: The ${name} agent, generated for a large push.\nmodel: sonnet\n---\n\n${body}\n`;

/** Well-formed, never issued: the server answers 401. */
const FORGED = `agentry_${"0".repeat(16)}_${"A".repeat(43)}`;

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

for (const c of cases) {
  describe(`agentry push (${c.driver})`, () => {
    let t: TestDatabase;
    let database: Database;
    let server: Awaited<ReturnType<typeof serve>>;
    let work: string;
    const tokens: Record<string, string> = {};
    const outputs: string[] = [];

    const push = async (dir: string, extra: string[], env: Record<string, string> = {}) => {
      const r = await cli(["push", dir, "--to", server.url, ...extra], env);
      outputs.push(r.stdout, r.stderr);
      expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
      return r;
    };
    const count = async (query: string) =>
      Number(rowsOf<{ n: unknown }>(await database.db.execute(sql.raw(query)))[0]!.n);
    const generationOf = (source: string) =>
      count(`select coalesce((select generation from sources where name = '${source}'), 0) as n`);
    const since = (n: number) => server.received.slice(n);

    beforeAll(async () => {
      t = await c.open();
      database = t.database;
      server = await serve(testApp(database));
      work = await mkdtemp(join(tmpdir(), "agentry-push-"));
      for (const [name, scopes] of [
        ["ci-team", ["publish:team", "publish:big", "publish:broken", "publish:atomic", "publish:hidden"]],
        ["ci-other", ["publish:other"]],
      ] as const)
        tokens[name] = (await createKey(database.db, { name, scopes: [...scopes] })).token;
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await t?.cleanup();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("the first push creates everything, a second sends no file, an edit sends one, --prune deletes", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "team");
      await cp(FIXTURE, dir, { recursive: true });
      const token = tokens["ci-team"]!;

      let n = server.received.length;
      const first = await push(dir, ["--source", "team", "--token", token, "--json"]);
      expect(first.code).toBe(0);
      const report = JSON.parse(first.stdout);
      expect(report).toMatchObject({
        source: "team",
        generation: 1,
        created: [
          "agents/api-designer.md",
          "agents/docs-writer.md",
          "agents/release-captain.md",
          "skills/api-style/SKILL.md",
        ],
        updated: [],
        unchanged: [],
        deleted: [],
        failed: [],
        sent: 4,
      });
      expect(since(n)).toEqual([
        { operation: "PublishedFiles", files: 0 },
        { operation: "Push", files: 4 },
      ]);
      expect(await count("select count(*) as n from files where deleted_at is null")).toBe(4);

      // The same folder again: the hashes are read, nothing is sent, nothing is written.
      n = server.received.length;
      const again = await push(dir, ["--source", "team", "--token", token, "--json"]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        created: [],
        updated: [],
        unchanged: report.created,
        sent: 0,
        generation: 1,
      });
      expect(since(n)).toEqual([{ operation: "PublishedFiles", files: 0 }]);
      expect(await generationOf("team")).toBe(1);

      // One edit: one file sent; the text summary on stderr, the token from AGENTRY_TOKEN.
      await writeFile(
        join(dir, "agents/docs-writer.md"),
        "---\nname: docs-writer\ndescription: Turns agreed interfaces into reference pages.\nmodel: sonnet\ntools: Read, Write, Edit\n---\n\nShort pages, one question each.\n",
      );
      n = server.received.length;
      const edit = await push(dir, ["--source", "team"], { AGENTRY_TOKEN: token });
      expect(edit.code).toBe(0);
      expect(edit.stdout).toBe("");
      expect(edit.stderr).toMatch(
        new RegExp(
          `^agentry: pushed to ${server.url.replace(/\./g, "\\.")}, source "team": 0 created, 1 updated, 3 unchanged, 0 deleted, 0 failed \\(1 of 4 files sent in 2 requests, \\d+\\.\\d\\d s, generation 2\\)\\n$`,
        ),
      );
      expect(since(n)).toEqual([
        { operation: "PublishedFiles", files: 0 },
        { operation: "Push", files: 1 },
      ]);

      // A file gone from the folder: said, kept without --prune, deleted with it.
      await unlink(join(dir, "agents/docs-writer.md"));
      const kept = await push(dir, ["--source", "team", "--token", token]);
      expect(kept.code).toBe(0);
      expect(kept.stderr).toContain(
        "agentry: 1 file of the source is not in the folder (agents/docs-writer.md): --prune deletes them",
      );
      expect(await count("select count(*) as n from files where deleted_at is null")).toBe(4);
      n = server.received.length;
      const pruned = await push(dir, ["--source", "team", "--token", token, "--prune", "--json"]);
      expect(pruned.code).toBe(0);
      // The path to delete is named; no file is resent for it.
      expect(since(n)).toEqual([
        { operation: "PublishedFiles", files: 0 },
        { operation: "Push", files: 0 },
      ]);
      expect(JSON.parse(pruned.stdout)).toMatchObject({
        deleted: ["agents/docs-writer.md"],
        created: [],
        updated: [],
        generation: 3,
      });
      expect(await count("select count(*) as n from files where deleted_at is null")).toBe(3);
      expect(
        await count("select count(*) as n from agents where name = 'docs-writer' and deleted_at is null"),
      ).toBe(0);
      // A stale --if-generation sends nothing.
      n = server.received.length;
      const stale = await push(dir, ["--source", "team", "--token", token, "--if-generation", "1"]);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toBe(
        `agentry: source "team" on ${server.url} is at generation 3, not 1 (--if-generation): someone else published since; nothing sent\n`,
      );
      expect(since(n).map((r) => r.operation)).toEqual(["PublishedFiles"]);
    });

    it("a folder over one request's limits is staged in chunks and committed in one transaction", {
      timeout: 180_000,
    }, async () => {
      const dir = join(work, "big");
      await cp(FIXTURE, dir, { recursive: true });
      // 240 agents of about 1.5 KB: more files (100) and more bytes (196,608) than a request holds.
      const paragraph = "Checks one corner of the catalog and reports what it finds, plainly. ".repeat(20);
      for (let i = 0; i < 240; i++)
        await writeFile(
          join(dir, "agents", `worker-${String(i).padStart(3, "0")}.md`),
          agent(`worker-${i}`, paragraph),
        );
      const n = server.received.length;
      const r = await push(dir, ["--source", "big", "--token", tokens["ci-team"]!, "--json"]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.created).toHaveLength(244);
      expect(report.generation).toBe(1);
      const ops = since(n);
      expect(ops[0]).toEqual({ operation: "PublishedFiles", files: 0 });
      expect(ops[1]).toEqual({ operation: "PushBegin", files: 0 });
      const staged = ops.slice(2, -1);
      expect(staged.length).toBeGreaterThanOrEqual(3);
      expect(staged.every((s) => s.operation === "PushStage" && s.files <= 100)).toBe(true);
      expect(staged.reduce((sum, s) => sum + s.files, 0)).toBe(244);
      expect(ops.at(-1)).toEqual({ operation: "PushCommit", files: 0 });
      // One transaction: one generation step, one audit event, no staging left.
      expect(await generationOf("big")).toBe(1);
      expect(await count("select count(*) as n from audit_events where source = 'big'")).toBe(1);
      expect(await count("select count(*) as n from publish_stagings")).toBe(0);
      expect(
        await count(
          "select count(*) as n from files f join sources s on s.id = f.source_id where s.name = 'big' and f.deleted_at is null",
        ),
      ).toBe(244);
      // Again: nothing sent.
      const again = await push(dir, ["--source", "big", "--token", tokens["ci-team"]!, "--json"]);
      expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, generation: 1 });
      expect(again.code).toBe(0);
    });

    it("a staged push that fails part-way commits nothing: the source stays as it was", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "atomic");
      await cp(FIXTURE, dir, { recursive: true });
      const paragraph = "Writes one section of the handbook and links it from the index. ".repeat(20);
      for (let i = 0; i < 150; i++)
        await writeFile(
          join(dir, "agents", `writer-${String(i).padStart(3, "0")}.md`),
          agent(`writer-${i}`, paragraph),
        );
      // Within a file's limit (45,000 bytes) but six times that as JSON (\u0001 each): its
      // request is over the server's 256 KiB body limit, after the others were staged.
      await writeFile(join(dir, "agents/zz-dense.md"), agent("zz-dense", "\u0001".repeat(45_000)));
      const n = server.received.length;
      const r = await push(dir, ["--source", "atomic", "--token", tokens["ci-team"]!]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^agentry: ${server.url.replace(/\./g, "\\.")} refused a request as too large \\(413\\): the request body is larger than 262144 bytes \\(AGENTRY_MAX_BODY_BYTES\\) \\(sending .*agents/zz-dense\\.md\\); nothing was committed\\n$`,
        ),
      );
      const ops = since(n).map((x) => x.operation);
      expect(ops.slice(0, 2)).toEqual(["PublishedFiles", "PushBegin"]);
      expect(ops.filter((o) => o === "PushStage").length).toBeGreaterThanOrEqual(3);
      expect(ops).not.toContain("PushCommit");
      // Staged, never committed: no source, no file, no event.
      expect(await count("select count(*) as n from sources where name = 'atomic'")).toBe(0);
      expect(await count("select count(*) as n from audit_events where source = 'atomic'")).toBe(0);
      expect(await count("select count(*) as n from publish_staged_files")).toBeGreaterThan(150);
    });

    it("exits 1 when a file fails to read, with its located error; the others are stored", {
      timeout: 60_000,
    }, async () => {
      const dir = join(work, "broken");
      await cp(FIXTURE, dir, { recursive: true });
      await writeFile(join(dir, "agents/empty.md"), "");
      const r = await push(dir, ["--source", "broken", "--token", tokens["ci-team"]!]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^agents\/empty\.md:1:1: error: .+\n$/);
      expect(r.stderr).toContain('source "broken": 4 created, 0 updated, 0 unchanged, 0 deleted, 1 failed');
    });

    it("no token, a bad token, a key without the scope and a server that is down: one line each, exit 1", {
      timeout: 60_000,
    }, async () => {
      const dir = join(work, "auth");
      await cp(FIXTURE, dir, { recursive: true });
      const none = await push(dir, ["--source", "team"]);
      expect(none.code).toBe(1);
      expect(none.stderr).toBe(
        `agentry: ${server.url}: this needs the scope publish:team: send an API key as \`Authorization: Bearer agentry_…\` (agentry keys create) (pass it with --token or AGENTRY_TOKEN)\n`,
      );
      const bad = await push(dir, ["--source", "team", "--token", FORGED]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe(
        `agentry: ${server.url} refused the token (401): it is unknown, revoked or expired; make a key with \`agentry keys create --scope publish:<source>\` and pass it with --token or AGENTRY_TOKEN\n`,
      );
      const other = await push(dir, ["--source", "team"], { AGENTRY_TOKEN: tokens["ci-other"]! });
      expect(other.code).toBe(1);
      expect(other.stderr).toBe(
        `agentry: ${server.url} refused the key (403 FORBIDDEN): this needs the scope publish:team, which the caller's key does not hold\n`,
      );
      // A port nothing listens on.
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((done) => closed.close(() => done()));
      const down = await cli([
        "push",
        dir,
        "--source",
        "team",
        "--to",
        `http://127.0.0.1:${port}`,
        "--token",
        FORGED,
      ]);
      outputs.push(down.stdout, down.stderr);
      expect(down.code).toBe(1);
      expect(down.stderr).toBe(
        `agentry: cannot reach http://127.0.0.1:${port}: connection refused (is the server running, and is --to right?)\n`,
      );
      const usage = await cli(["push", dir, "--source", "team", "--to", "ftp://example.com"]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toBe('agentry: --to "ftp://example.com": use an http:// or https:// address\n');
    });

    it.runIf(c.driver === "pglite")(
      "429: one line with the server's budget and when to retry, exit 1",
      { timeout: 120_000 },
      async () => {
        const dir = join(work, "limited");
        await cp(FIXTURE, dir, { recursive: true });
        // A budget smaller than any request: refused before it runs, with Retry-After.
        const limited = await serve(
          testApp(database, captureLogger(), { rateLimit: new MemoryRateLimit(5) }),
        );
        try {
          const r = await cli(["push", dir, "--source", "team", "--to", limited.url], {
            AGENTRY_TOKEN: tokens["ci-team"]!,
          });
          outputs.push(r.stdout, r.stderr);
          expect(r.code).toBe(1);
          expect(r.stderr).toMatch(
            new RegExp(
              `^agentry: ${limited.url.replace(/\./g, "\\.")} is rate limiting this caller \\(429\\): rate limit exceeded: 5 points per 60 s per caller, and this request costs \\d+; retry in \\d+ s\\n$`,
            ),
          );
          expect(limited.received.every((x) => x.operation === "PublishedFiles")).toBe(true);
        } finally {
          await limited.close();
        }
      },
    );

    it("--visibility private makes the source private with the publish, also when no file changed", {
      timeout: 120_000,
    }, async () => {
      const dir = join(work, "hidden");
      await cp(FIXTURE, dir, { recursive: true });
      const env = { AGENTRY_TOKEN: tokens["ci-team"]! };
      const visibility = async () =>
        rowsOf<{ visibility: string }>(
          await database.db.execute(sql`select visibility from sources where name = 'hidden'`),
        )[0]!.visibility;
      const first = await push(dir, ["--source", "hidden", "--visibility", "private"], env);
      expect(first.code, first.stderr).toBe(0);
      expect(await visibility()).toBe("private");
      // Anonymous callers do not see it; the publishing key does.
      const anonymous = await testApp(database).fetch(
        new Request("http://agentry.test/graphql", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: '{ agents(first: 5, filter: { source: "hidden" }) { totalCount } }',
          }),
        }),
      );
      expect(((await anonymous.json()) as any).data.agents.totalCount).toBe(0);
      // Nothing changed in the folder: the push still sends the visibility (an empty publish).
      const before = server.received.length;
      const back = await push(dir, ["--source", "hidden", "--visibility", "public"], env);
      expect(back.code, back.stderr).toBe(0);
      expect(await visibility()).toBe("public");
      expect(since(before).find((r) => r.operation !== "PublishedFiles")).toEqual({
        operation: "Push",
        files: 0,
      });
      const bad = await push(dir, ["--source", "hidden", "--visibility", "secret"], env);
      // A usage error, as every bad flag.
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--visibility must be public or private, not "secret"');
    });

    it("never prints a token", () => {
      const printed = outputs.join("\n");
      for (const token of [...Object.values(tokens), FORGED]) {
        expect(printed).not.toContain(token);
        // The secret alone: everything after `agentry_<id>_` (base64url, so it may hold `_`
        // itself: splitting at the last one once left a single letter to look for).
        const secret = token.split("_").slice(2).join("_");
        expect(secret.length).toBeGreaterThanOrEqual(43);
        expect(printed).not.toContain(secret);
      }
    });
  });
}
