// The README's own first flow on the default embedded catalog: `npm start`, then
// `agentry import` in another terminal. Round 1 printed "158 created" for an import the
// server never saw and a restart lost; later imports failed or listed every agent twice.
// Now the import is refused at once while the server holds the folder, names the server,
// and the catalog ends with the right counts, no duplicates and search working.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
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

  it("refuses an import while the server holds the folder, naming the server", async () => {
    server = await startServer(env);
    examples = (await server.query<Counts>(COUNTS)).agents.totalCount;
    expect(examples).toBeGreaterThan(10);
    const refused = await agentry(env, "import", team, "--source", "team");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`in use by process ${server.pid} (agentry serve --port 0`);
    expect(refused.stderr).toContain("stop that process");
    expect(refused.stderr).not.toMatch(/created|at .*\.ts:\d+/);
    // Nothing changed under the server.
    expect((await server.query<Counts>(COUNTS)).agents.totalCount).toBe(examples);
  });

  it("refuses it again after a restart, and every other command too", async () => {
    expect(await server!.stop()).toBe(0);
    server = await startServer(env);
    for (const args of [
      ["import", team, "--source", "team"],
      ["export", "--source", "acme-platform", "--out", join(home, "out")],
      ["migrate"],
      ["doctor"],
    ]) {
      const r = await agentry(env, ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toContain(`in use by process ${server.pid}`);
    }
  });

  it("imports once the server is stopped, and the next server sees exactly that", async () => {
    expect(await server!.stop()).toBe(0);
    server = null;
    const first = await agentry(env, "import", team, "--source", "team");
    expect(first.stderr).toContain(`${TEAM_SIZE} created, 0 updated`);
    expect(first.code).toBe(0);
    const again = await agentry(env, "import", team, "--source", "team");
    expect(again.stderr).toContain(`0 created, 0 updated, ${TEAM_SIZE} unchanged`);

    server = await startServer(env);
    const counts = await server.query<Counts>(COUNTS);
    expect(counts.agents.totalCount).toBe(examples + TEAM_SIZE);
    const refs = counts.agents.nodes.map((n) => n.ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(counts.search.totalCount).toBe(TEAM_SIZE);
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
    expect((await server.query<Counts>(COUNTS)).agents.totalCount).toBe(examples + TEAM_SIZE);
  });
});
