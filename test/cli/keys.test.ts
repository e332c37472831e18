// `agentry keys` as a user runs it (issue 16 points 2 and 6, decision 0022): through
// bin/agentry.js in child processes, on an embedded catalog folder and on PostgreSQL. The
// secret is printed once, alone on stdout; it never shows in `keys list`, in stderr, or in any
// error; bad scopes and durations are usage errors naming their flag.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyKey } from "../../src/auth/api-keys.js";
import { openDatabase } from "../../src/catalog/database.js";
import { readDatabaseConfig } from "../../src/config.js";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const TOKEN = /^agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

async function execute(extraEnv: Record<string, string>, ...args: string[]) {
  const env = { ...process.env, ...extraEnv };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

interface Target {
  label: string;
  setup(): Promise<{ env: Record<string, string>; args: string[]; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    label: "an embedded catalog folder",
    setup: async () => {
      const dir = await mkdtemp(join(tmpdir(), "agentry-keys-"));
      return {
        env: { AGENTRY_DATA_DIR: join(dir, "catalog") },
        args: [],
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];
if (await postgresAvailable())
  targets.push({
    label: "PostgreSQL",
    setup: async () => {
      const fresh = await freshPostgresDatabase();
      return { env: {}, args: ["--database-url", fresh.url], cleanup: fresh.drop };
    },
  });

describe.each(targets)("agentry keys on $label", ({ setup }) => {
  let ctx: Awaited<ReturnType<Target["setup"]>>;
  const secrets: string[] = [];
  const stderrs: string[] = [];
  const run = async (...args: string[]) => {
    const r = await execute(ctx.env, ...args, ...ctx.args);
    stderrs.push(r.stderr);
    return r;
  };
  /** What verifyKey says of a token, on the same database (the CLI has exited). */
  const verify = async (token: string) => {
    const env = { ...process.env, ...ctx.env } as Record<string, string | undefined>;
    delete env.DATABASE_URL;
    if (ctx.args[1]) env.DATABASE_URL = ctx.args[1];
    const database = await openDatabase(readDatabaseConfig(env));
    try {
      return await verifyKey(database.db, token);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    ctx = await setup();
  }, 120_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it("creates, lists and revokes keys; the secret is printed once and only on stdout", {
    timeout: 240_000,
  }, async () => {
    const ci = await run(
      "keys",
      "create",
      "--name",
      "ci-publish",
      "--scope",
      "publish:acme",
      "--scope",
      "read",
      "--expires",
      "30d",
    );
    expect(ci.code).toBe(0);
    const token = ci.stdout.trim();
    expect(ci.stdout).toBe(`${token}\n`);
    expect(token).toMatch(TOKEN);
    secrets.push(token);
    expect(ci.stderr).toMatch(
      /created key [0-9a-f]{16} "ci-publish" \(publish:acme read, expires \d{4}-\d\d-\d\d /,
    );
    expect(ci.stderr).toContain("shown only this once");

    const limited = await run(
      "keys",
      "create",
      "--name",
      "acme-reader",
      "--source",
      "acme",
      "--scope",
      "read",
    );
    expect(limited.code).toBe(0);
    secrets.push(limited.stdout.trim());
    expect(limited.stderr).toContain("(read:acme, source acme, never expires)");

    const id = token.slice(8, 24);
    expect(await verify(token)).toMatchObject({
      kind: "key",
      id,
      name: "ci-publish",
      scopes: ["publish:acme", "read"],
    });

    const list = await run("keys", "list");
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+SOURCE\s+CREATED\s+EXPIRES\s+LAST USED\s+REVOKED$/);
    expect(lines).toHaveLength(3);
    const row = lines.find((l) => l.startsWith(id))!;
    expect(row).toMatch(
      /ci-publish\s+publish:acme,read\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+\d{4}-.*Z\s+\d{4}-.*Z\s+-$/,
    );
    expect(lines.find((l) => l.includes("acme-reader"))).toMatch(/read:acme\s+acme\s+.*never\s+never\s+-$/);

    const json = await run("keys", "list", "--json");
    const keys = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(keys.map((k) => k.name).sort()).toEqual(["acme-reader", "ci-publish"]);
    expect(keys.every((k) => !("secretHash" in k) && !("secret_hash" in k))).toBe(true);

    const revoked = await run("keys", "revoke", "ci-publish");
    expect([revoked.code, revoked.stdout]).toEqual([0, ""]);
    expect(revoked.stderr).toContain(`revoked key ${id} "ci-publish"`);
    expect(await verify(token)).toBeNull();
    const again = await run("keys", "revoke", id);
    expect([again.code, again.stderr]).toEqual([0, expect.stringContaining("was already revoked")]);
    expect((await run("keys", "list")).stdout).toMatch(new RegExp(`${id}.*\\d\\d:\\d\\dZ$`, "m"));

    const missing = await run("keys", "revoke", "nobody");
    expect([missing.code, missing.stderr.trim()]).toEqual([
      1,
      'agentry: no key with the id or name "nobody" (agentry keys list shows them)',
    ]);

    // a token passed where an id belongs is refused without being echoed
    const pasted = await run("keys", "revoke", secrets[1]!);
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toContain("looks like a key's secret");
    expect(await verify(secrets[1]!)).not.toBeNull();

    const dup = await run("keys", "create", "--name", "acme-reader", "--scope", "read");
    expect([dup.code, dup.stdout, dup.stderr.trim()]).toEqual([
      2,
      "",
      'agentry: --name: a live key is already named "acme-reader"',
    ]);
  });

  it("never shows a secret in any list or on stderr", { timeout: 60_000 }, async () => {
    const list = await run("keys", "list");
    const json = await run("keys", "list", "--json");
    expect(secrets.length).toBeGreaterThan(0);
    for (const token of secrets) {
      const secret = token.slice(25);
      for (const text of [list.stdout, json.stdout, ...stderrs]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret.slice(0, 10));
      }
    }
  });
});

describe("agentry keys create", () => {
  it.each([
    [["--scope", "write"], '--scope "write": a scope is read, admin, read:<source> or publish:<source>'],
    [["--scope", "publish"], '--scope "publish": a scope is read, admin'],
    [[], "--scope is required"],
    [
      ["--scope", "admin", "--source", "acme"],
      "--scope admin cannot be given to a key limited to one source",
    ],
    [["--scope", "read:other", "--source", "acme"], 'names another source than --source "acme"'],
    [
      ["--scope", "read", "--expires", "30"],
      '--expires "30": use a whole number and a unit, like 90m, 12h, 30d or 2w',
    ],
    [["--scope", "read", "--expires", "-1d"], '--expires "-1d"'],
    [["--scope", "read", "--expires", "99999d"], "at most ten years"],
  ])("refuses %j as a usage error naming the flag", async (args, message) => {
    const dir = await mkdtemp(join(tmpdir(), "agentry-keys-"));
    try {
      // refused before any database is opened: the folder stays empty
      const r = await execute(
        { AGENTRY_DATA_DIR: join(dir, "catalog") },
        "keys",
        "create",
        "--name",
        "bad",
        ...args,
      );
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(existsSync(join(dir, "catalog"))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
