// The CLI tells the truth: a database failure says its cause and where (never the password),
// not drizzle's "Failed query: CREATE SCHEMA IF NOT EXISTS"; --version; parse of a folder is a
// usage error; export of a source that does not exist says so.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";
import { privatePostgresAvailable, startPrivatePostgres } from "./private-postgres.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const run = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const SECRET = "hunter2-do-not-print";
const pgUp = await postgresAvailable();

describe("agentry tells the truth", () => {
  it("prints its version", async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8"));
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("calls parse of a folder a usage error", async () => {
    const r = await run(["parse", resolve(import.meta.dirname, "../fixtures/catalog")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a directory: parse reads one file");
  });

  it.each([
    ["migrate"],
    ["import", resolve(import.meta.dirname, "../fixtures/catalog"), "--source", "x"],
    ["export", "--source", "x", "--out", "/tmp/agentry-never-written"],
    ["doctor"],
  ])("says the connection was refused, with host and port, for %s", async (...args) => {
    const port = await closedPort();
    const r = await run(args, { DATABASE_URL: `postgres://agent:${SECRET}@127.0.0.1:${port}/catalog` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`postgres://agent@127.0.0.1:${port}/catalog`);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain("Failed query");
    expect(r.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it.skipIf(!pgUp)("says the database does not exist, and that a role does not exist", async () => {
    const url = new URL(
      process.env.AGENTRY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    );
    url.pathname = "/agentry_no_such_database";
    url.password = SECRET;
    const missing = await run(["migrate"], { DATABASE_URL: url.toString() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the database does not exist");
    expect(missing.stderr).toContain(`@${url.hostname}:${url.port || 5432}/agentry_no_such_database`);
    expect(missing.stderr).not.toContain(SECRET);

    url.pathname = "/postgres";
    url.username = "agentry_no_such_role";
    const role = await run(["migrate"], { DATABASE_URL: url.toString() });
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/role "agentry_no_such_role" does not exist|authentication failed/);
    expect(role.stderr).not.toContain(SECRET);
  });

  it("answers an export from an embedded catalog never created, without creating one", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { existsSync } = await import("node:fs");
    const home = await mkdtemp(resolve((await import("node:os")).tmpdir(), "agentry-export-"));
    try {
      const dataDir = resolve(home, "catalog");
      const r = await run(["export", "--source", "team", "--out", resolve(home, "out")], {
        AGENTRY_DATA_DIR: dataDir,
        DATABASE_URL: "",
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no source named "team": there is no catalog in ${dataDir} yet`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgUp)("answers an export of a source that does not exist with a usage error", async () => {
    const fresh = await freshPostgresDatabase();
    try {
      const r = await run(["export", "--source", "nope", "--out", "/tmp/agentry-never-written"], {
        DATABASE_URL: fresh.url,
      });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe('agentry: no source named "nope"');
    } finally {
      await fresh.drop();
    }
  });

  it("says authentication failed for a wrong password, without printing it", async () => {
    if (!privatePostgresAvailable()) {
      if (process.env.CI)
        throw new Error("CI needs PostgreSQL's binaries and root to start a private server");
      console.warn("SKIPPED: no PostgreSQL binaries (or not root) to start a server with passwords");
      return;
    }
    const server = await startPrivatePostgres("the-right-one");
    try {
      const r = await run(["migrate"], {
        DATABASE_URL: `postgres://postgres:${SECRET}@127.0.0.1:${server.port}/postgres`,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      expect(r.stderr).toContain("authentication failed");
      expect(r.stderr).not.toContain(SECRET);
    } finally {
      await server.stop();
    }
  });

  it("names the symbolic links it skips, and reads the rest", async () => {
    const { mkdtemp, rm, writeFile, symlink, mkdir } = await import("node:fs/promises");
    const home = await mkdtemp(resolve((await import("node:os")).tmpdir(), "agentry-links-"));
    try {
      await mkdir(resolve(home, "agents"));
      await writeFile(resolve(home, "agents/real.md"), "---\nname: real\ndescription: Real.\n---\nBody.\n");
      await symlink(resolve(home, "agents/real.md"), resolve(home, "agents/alias.md"));
      const r = await run(["validate", resolve(home, "agents")]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`${resolve(home, "agents/alias.md")}: a symbolic link, skipped`);
      expect(r.stderr).toContain("1 file checked");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
