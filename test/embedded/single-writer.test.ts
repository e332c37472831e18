// The README's own first flow on the default embedded catalog: `npm start`, then
// `agentry import` in another terminal. Round 1 printed "158 created" for an import the
// server never saw and a restart lost; later imports failed or listed every agent twice.
// Session 4 refused the import while the server held the folder; now (issue 16 point 1) it
// goes through that server, with the local admin token the server left beside its lock (mode
// 0600, gone when it stops): the running server sees the team at once, the other commands are
// still refused, and the catalog ends with the right counts, no duplicates and search working.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentry, type RunningServer, startServer } from "./processes.js";

const TEAM_SIZE = 24;

/** Our own small team: each agent hands work to the next, and all of them mention "quillwort". */
async function writeTeam(dir: string): Promise<void> {
  for (let i = 0; i < TEAM_SIZE; i++) {
    const next = `bramble-${(i + 1) % TEAM_SIZE}`;
    await writeFile(
      join(dir, `bramble-${i}.md`),
      `---\nname: bramble-${i}\ndescription: Keeps the quillwort ledger, part ${i}.\ntools: Read, Grep\n---\n\n` +
        `You keep part ${i} of the quillwort ledger.\n\n## Cross-Agent Collaboration\n\n` +
        `### Downstream Deliverables (Provides Output To)\n\n- **${next}** ← your part of the ledger, once it balances\n`,
    );
  }
}

interface Counts {
  agents: { totalCount: number; nodes: { ref: string }[] };
  search: { totalCount: number };
}
const COUNTS = `{
  agents(first: 100) { totalCount nodes { ref } }
  search: agents(first: 1, filter: { text: "quillwort" }) { totalCount }
}`;

describe("one process per embedded catalog", () => {
  let home = "";
  let team = "";
  let env: Record<string, string> = {};
  let server: RunningServer | null = null;
  let examples = 0;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "agentry-single-writer-"));
    team = join(home, "team");
    await (await import("node:fs/promises")).mkdir(team);
    await writeTeam(team);
    env = { AGENTRY_DATA_DIR: join(home, "catalog"), DATABASE_URL: "" };
  });

  afterAll(async () => {
    await server?.kill();
    await rm(home, { recursive: true, force: true });
  });

  it("imports through the server that holds the folder, which sees it at once", async () => {
    server = await startServer(env);
    examples = (await server.query<Counts>(COUNTS)).agents.totalCount;
    expect(examples).toBeGreaterThan(10);
    const file = join(env.AGENTRY_DATA_DIR!, "agentry.local-admin.json");
    // Readable by the server's user only.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const through = await agentry(env, "import", team, "--source", "team");
    expect(through.stderr).toContain(`${TEAM_SIZE} created, 0 updated, 0 unchanged, 0 deleted, 0 failed`);
    expect(through.stderr).toContain(
      `through the server that holds the catalog (process ${server.pid}, http://`,
    );
    expect(through.stderr).not.toMatch(/agentry-local_|at .*\.ts:\d+/);
    expect(through.stdout).not.toContain("agentry-local_");
    expect(through.code).toBe(0);
    const counts = await server.query<Counts>(COUNTS);
    expect(counts.agents.totalCount).toBe(examples + TEAM_SIZE);
    expect(counts.search.totalCount).toBe(TEAM_SIZE);
    const again = await agentry(env, "import", team, "--source", "team");
    expect(again.stderr).toContain(`0 created, 0 updated, ${TEAM_SIZE} unchanged`);
    expect(again.code).toBe(0);
  });

  it("refuses the other commands while the server holds the folder, and forgets the token when it stops", async () => {
    for (const args of [
      ["export", "--source", "acme-platform", "--out", join(home, "out")],
      ["migrate"],
      ["doctor"],
    ]) {
      const r = await agentry(env, ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toContain(`in use by process ${server!.pid} (agentry serve --port 0`);
      expect(r.stderr, args.join(" ")).toContain("stop that process");
    }
    const token = JSON.parse(await readFile(join(env.AGENTRY_DATA_DIR!, "agentry.local-admin.json"), "utf8"))
      .token as string;
    const url = server!.url;
    expect(await server!.stop()).toBe(0);
    server = null;
    expect(existsSync(join(env.AGENTRY_DATA_DIR!, "agentry.local-admin.json"))).toBe(false);
    // The next server makes another token: the old one is refused.
    server = await startServer(env);
    const old = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(old.status).toBe(401);
    expect(url).toMatch(/^http:/);
    expect(await server.stop()).toBe(0);
    server = null;
  });

  it("imports here once the server is stopped, and the next server sees exactly that", async () => {
    const first = await agentry(env, "import", join(team, "bramble-0.md"), "--source", "solo");
    expect(first.stderr).toContain("1 created, 0 updated");
    expect(first.stderr).not.toContain("through the server");
    expect(first.code).toBe(0);
    const again = await agentry(env, "import", team, "--source", "team");
    expect(again.stderr).toContain(`0 created, 0 updated, ${TEAM_SIZE} unchanged`);

    server = await startServer(env);
    const counts = await server.query<Counts>(COUNTS);
    expect(counts.agents.totalCount).toBe(examples + TEAM_SIZE + 1);
    const refs = counts.agents.nodes.map((n) => n.ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(counts.search.totalCount).toBe(TEAM_SIZE + 1);
    const edges = await server.query<{ agent: { collaborators: { to: { ref?: string } }[] } }>(
      `{ agent(ref: "team/bramble-3") { ... on Agent { collaborators(kinds: [HANDOFF]) { to { ... on Agent { ref } } } } } }`,
    );
    expect(edges.agent.collaborators.map((c) => c.to.ref)).toEqual(["team/bramble-4"]);
    expect(await server.stop()).toBe(0);
    server = null;

    const doctor = await agentry(env, "doctor");
    expect(doctor.stdout).toContain("the catalog is consistent");
    expect(doctor.code).toBe(0);
  });

  it("takes over the lock of a server that was killed", async () => {
    server = await startServer(env);
    await server.kill();
    server = await startServer(env);
    expect((await server.query<Counts>(COUNTS)).agents.totalCount).toBe(examples + TEAM_SIZE + 1);
    // A killed server's file stays, but names a process that is gone: import works here.
    await server.kill();
    server = null;
    const after = await agentry(env, "import", team, "--source", "team");
    expect(after.stderr).toContain(`${TEAM_SIZE} unchanged`);
    expect(after.stderr).not.toContain("through the server");
    expect(after.code).toBe(0);
  });
});
