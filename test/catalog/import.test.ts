// Import and export on every driver: idempotence, revisions, pruning, failures that lose
// nothing, reference resolution, concurrent imports, byte-identical export.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { exportSource } from "../../src/catalog/export.js";
import { type ImportFile, importFiles } from "../../src/catalog/import.js";
import { listAgents } from "../../src/catalog/reads/index.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/catalog");
const fixtureFiles: ImportFile[] = (await findDefinitionFiles([FIXTURES])).map((f) => ({
  path: f.relativePath,
  kind: f.kind,
  text: readFileSync(f.path, "utf8"),
}));

async function query<T>(db: Database, text: string): Promise<T[]> {
  return rowsOf<T>(await db.db.execute(sql.raw(text)));
}

const agent = (name: string, body: string, extra = "") =>
  `---\nname: ${name}\ndescription: ${name} does things.\n${extra}---\n${body}`;

describe.each(await driverCases())("import on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open();
    db = t.database;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("imports a catalog, then re-imports it writing nothing", async () => {
    const first = await importFiles(db, fixtureFiles, { source: "fixtures" });
    expect(first.created).toHaveLength(6);
    expect(first.failed).toEqual([]);
    expect(first.generation).toBe(1);
    const counts = await query<{
      agents: number;
      skills: number;
      commands: number;
      plugins: number;
      tools: number;
    }>(
      db,
      "select (select count(*)::int from agents) as agents, (select count(*)::int from skills) as skills, (select count(*)::int from commands) as commands, (select count(*)::int from plugins) as plugins, (select count(*)::int from agent_tools) as tools",
    );
    expect(counts[0]).toEqual({ agents: 3, skills: 1, commands: 1, plugins: 1, tools: 11 });

    const before = db.statements;
    const again = await importFiles(db, fixtureFiles, { source: "fixtures" });
    expect(again.unchanged).toHaveLength(6);
    expect([again.created, again.updated, again.deleted, again.failed]).toEqual([[], [], [], []]);
    expect(again.generation).toBe(1);
    // Unchanged files are compared by hash only: one statement, no transaction.
    expect(db.statements - before).toBe(1);
    const revisions = await query<{ n: number }>(db, "select count(*)::int as n from revisions");
    expect(revisions[0]!.n).toBe(6);
  });

  it("keeps the old revision readable when a file changes", async () => {
    await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "v1\n") }], { source: "s" });
    const report = await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "v2\n") }], {
      source: "s",
    });
    expect(report.updated).toEqual(["agents/a.md"]);
    expect(report.generation).toBe(2);
    const revs = await query<{ number: number; content: string }>(
      db,
      "select number, content from revisions order by number",
    );
    expect(revs.map((r) => [r.number, r.content.endsWith("v1\n")])).toEqual([
      [1, true],
      [2, false],
    ]);
    const current = await query<{ body: string }>(db, "select body from agents");
    expect(current[0]!.body).toBe("v2\n");
  });

  it("soft-deletes files that are gone only with --prune", async () => {
    const files = [
      { path: "agents/a.md", text: agent("alpha", "x\n") },
      { path: "agents/b.md", text: agent("beta", "y\n") },
    ];
    await importFiles(db, files, { source: "s" });
    const without = await importFiles(db, files.slice(0, 1), { source: "s" });
    expect(without.deleted).toEqual([]);
    const pruned = await importFiles(db, files.slice(0, 1), { source: "s", prune: true });
    expect(pruned.deleted).toEqual(["agents/b.md"]);
    const rows = await query<{ name: string; deleted: boolean }>(
      db,
      "select name, deleted_at is not null as deleted from agents order by name",
    );
    expect(rows).toEqual([
      { name: "alpha", deleted: false },
      { name: "beta", deleted: true },
    ]);
    // Coming back revives it.
    const back = await importFiles(db, files, { source: "s" });
    expect(back.created).toEqual(["agents/b.md"]);
  });

  it("reports a bad file with its diagnostics, imports the others and loses nothing stored", async () => {
    await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "good\n") }], { source: "s" });
    const report = await importFiles(
      db,
      [
        { path: "agents/a.md", text: "" },
        { path: "agents/b.md", text: agent("beta", "fine\n") },
        { path: "p/.claude-plugin/plugin.json", text: "{ nope" },
      ],
      { source: "s" },
    );
    expect(report.created).toEqual(["agents/b.md"]);
    expect(report.failed.map((f) => [f.path, f.diagnostics[0]!.line, f.diagnostics[0]!.message])).toEqual([
      ["agents/a.md", 1, "the file is empty"],
      ["p/.claude-plugin/plugin.json", 1, expect.stringContaining("not valid JSON")],
    ]);
    const body = await query<{ body: string }>(db, "select body from agents where name = 'alpha'");
    expect(body[0]!.body).toBe("good\n");
  });

  it("never prunes a stored file because its new version fails to parse", async () => {
    await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "good\n") }], { source: "s" });
    const report = await importFiles(db, [{ path: "agents/a.md", text: "\u0000" }], {
      source: "s",
      prune: true,
    });
    expect(report.failed.map((f) => f.path)).toEqual(["agents/a.md"]);
    expect(report.deleted).toEqual([]);
    const rows = await query<{ deleted: boolean }>(
      db,
      "select deleted_at is not null as deleted from agents where name = 'alpha'",
    );
    expect(rows).toEqual([{ deleted: false }]);
  });

  it("stores a second file claiming a name the source already has, as a name conflict", async () => {
    const report = await importFiles(
      db,
      [
        { path: "agents/one.md", text: agent("same", "1\n") },
        { path: "agents/two.md", text: agent("same", "2\n") },
      ],
      { source: "s" },
    );
    expect(report.created).toEqual(["agents/one.md", "agents/two.md"]);
    expect(report.failed).toEqual([]);
    expect(report.conflicts.map((c) => [c.path, c.diagnostics[0]!.message])).toEqual([
      [
        "agents/one.md",
        'agent name "same" is also declared by agents/two.md: names must be unique in a source',
      ],
      [
        "agents/two.md",
        'agent name "same" is also declared by agents/one.md: names must be unique in a source',
      ],
    ]);
  });

  it("resolves references when the target arrives, prefers the same namespace, keeps candidates when ambiguous", async () => {
    const caller = agent(
      "shop-caller",
      "## Collaboration\n### Downstream Deliverables\n- **fixer** ← patches\n- **helper** ← tasks\n",
      "skills: polish\n",
    );
    const first = await importFiles(db, [{ path: "plugins/shop/agents/caller.md", text: caller }], {
      source: "s",
    });
    expect(first.created).toHaveLength(1);
    let unresolved = await query<{ kind: string; name: string }>(
      db,
      "select kind, name from unresolved_references order by kind, name",
    );
    expect(unresolved).toEqual([
      { kind: "collaborator", name: "fixer" },
      { kind: "collaborator", name: "helper" },
      { kind: "skill", name: "polish" },
    ]);

    await importFiles(
      db,
      [
        // Two plugins have an agent whose file stem is "fixer": the caller's own plugin wins.
        { path: "plugins/shop/agents/fixer.md", text: agent("shop-fixer", "x\n") },
        { path: "plugins/other/agents/fixer.md", text: agent("other-fixer", "x\n") },
        // Two helpers, neither in the caller's plugin: ambiguous.
        { path: "plugins/a/agents/helper.md", text: agent("a-helper", "x\n") },
        { path: "plugins/b/agents/helper.md", text: agent("b-helper", "x\n") },
        {
          path: "plugins/shop/skills/polish/SKILL.md",
          text: "---\nname: polish\ndescription: Polishes.\n---\n",
        },
      ],
      { source: "s" },
    );
    const edges = await query<{ to_name: string; target: string | null; candidates: string[] | null }>(
      db,
      "select c.to_name, t.name as target, c.candidates from collaborations c left join agents t on t.id = c.to_agent_id where c.kind = 'handoff' order by c.to_name",
    );
    expect(edges).toEqual([
      { to_name: "fixer", target: "shop-fixer", candidates: null },
      { to_name: "helper", target: null, candidates: ["s/a-helper", "s/b-helper"] },
    ]);
    unresolved = await query(db, "select kind, name from unresolved_references order by kind, name");
    expect(unresolved).toEqual([{ kind: "collaborator", name: "helper" }]);

    // Deleting the target makes the reference unresolved again.
    await importFiles(db, [{ path: "plugins/shop/agents/caller.md", text: caller }], {
      source: "s",
      prune: true,
    });
    const after = await query<{ name: string }>(
      db,
      "select name from unresolved_references where kind = 'collaborator' order by name",
    );
    expect(after.map((r) => r.name)).toEqual(["fixer", "helper"]);
  });

  it("turns body mentions of agents of the same source into mention edges", async () => {
    await importFiles(
      db,
      [
        { path: "agents/writer.md", text: agent("writer", "Ask the copy-editor to review, then ship.\n") },
        { path: "agents/copy-editor.md", text: agent("copy-editor", "Edits.\n") },
      ],
      { source: "s" },
    );
    const mentions = await query<{ from: string; to: string; line: number }>(
      db,
      "select f.name as from, t.name as to, c.evidence_line as line from collaborations c join agents f on f.id = c.from_agent_id join agents t on t.id = c.to_agent_id where c.kind = 'mention'",
    );
    expect(mentions).toEqual([{ from: "writer", to: "copy-editor", line: 5 }]);
  });

  it("keeps each agent's search vector at its current revision, and fills vectors an import left out", async () => {
    const search = async (text: string) =>
      (await listAgents(db.db, EVERY_SOURCE, { filter: { text }, first: 10 })).nodes.map((n) => n.name);
    await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "Tunes kubernetes clusters.\n") }], {
      source: "s",
    });
    expect(await search("kubernetes")).toEqual(["alpha"]);
    // A new revision replaces the vector: the old words no longer match, the new ones do.
    await importFiles(db, [{ path: "agents/a.md", text: agent("alpha", "Writes release notes.\n") }], {
      source: "s",
    });
    expect(await search("kubernetes")).toEqual([]);
    expect(await search("release")).toEqual(["alpha"]);
    const vectors = await query<{ current: boolean }>(
      db,
      "select x.revision_id = a.revision_id as current from agent_search x join agents a on a.id = x.agent_id",
    );
    expect(vectors).toEqual([{ current: true }]);
    // An import stopped between a batch and its vectors: the next import that writes fills them.
    await query(db, "delete from agent_search");
    expect(await search("release")).toEqual([]);
    await importFiles(db, [{ path: "agents/b.md", text: agent("beta", "Reviews code.\n") }], { source: "s" });
    expect(await search("release")).toEqual(["alpha"]);
    expect(await search("reviews")).toEqual(["beta"]);
  });

  it("repairs missing search vectors on a re-import that changes nothing", async () => {
    const files = [
      { path: "agents/a.md", text: agent("alpha", "Tunes kubernetes clusters.\n") },
      { path: "agents/b.md", text: agent("beta", "Reviews code.\n") },
    ];
    await importFiles(db, files, { source: "s" });
    await query(db, "delete from agent_search where agent_id = (select id from agents where name = 'alpha')");
    const before = db.statements;
    const report = await importFiles(db, files, { source: "s" });
    expect(report.unchanged).toHaveLength(2);
    expect(await query(db, "select count(*)::int as n from agent_search")).toEqual([{ n: 2 }]);
    const repairing = db.statements - before;
    // With nothing missing, reading the hashes (which says so) is the only statement.
    const quiet = db.statements;
    await importFiles(db, files, { source: "s" });
    expect(db.statements - quiet).toBe(1);
    expect(repairing).toBeGreaterThan(1);
  });

  it("resolves edges to agents of earlier and later batches of one import", async () => {
    const files = Array.from({ length: 7 }, (_, i) => ({
      path: `agents/a${i}.md`,
      text: agent(
        `agent-${i}`,
        `## Cross-Agent Collaboration\n\n### Peer Collaboration (Works Alongside)\n- **agent-${(i + 1) % 7}** ↔ **agent-${i}**: pairs\n- **agent-${(i + 6) % 7}** ↔ **agent-${i}**: pairs\n`,
      ),
    }));
    const report = await importFiles(db, files, { source: "s", batchSize: 3 });
    expect(report.created).toHaveLength(7);
    const edges = await query<{ resolved: number; all: number }>(
      db,
      "select count(*) filter (where from_agent_id is not null and to_agent_id is not null)::int as resolved, count(*)::int as all from collaborations where kind = 'peer'",
    );
    expect(edges[0]).toEqual({ resolved: 14, all: 14 });
  });

  it("exports every file byte for byte", async () => {
    const crlf = {
      path: "agents/win.md",
      text: "\uFEFF---\r\nname: win\r\ndescription: d\r\n---\r\nbody\r\n",
    };
    await importFiles(db, [...fixtureFiles, crlf], { source: "fixtures" });
    const out = await exportSource(db.db, "fixtures");
    const expected = [...fixtureFiles, crlf]
      .map((f) => ({ path: f.path, content: f.text }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(out).toEqual(expected);
  });

  it("stores each agent's body exactly as the reader cut it, whatever its frontmatter holds", async () => {
    // The body is written as the revision's text from a character on (import.ts, bodyOf):
    // characters outside the BMP, a byte-order mark and CRLF before it must not shift it.
    const files = [
      { path: "agents/astral.md", text: agent("astral", "Body after 🚀 and 𝔘.\n", 'color: "🚀𝔘"\n') },
      { path: "agents/bom.md", text: `\uFEFF${agent("bom", "Ünïcödé body — with a dash.\n")}` },
      {
        path: "agents/crlf.md",
        text: "---\r\nname: crlf\r\ndescription: d 😀\r\n---\r\n\r\nline 1\r\nline 2 😀\r\n",
      },
      { path: "agents/empty.md", text: agent("empty", "") },
    ];
    await importFiles(db, files, { source: "bodies" });
    const stored = await query<{ name: string; body: string }>(
      db,
      "select name, body from agents order by name",
    );
    const { parseDefinition } = await import("../../src/definitions/parse.js");
    const expected = files
      .map((f) => {
        const def = parseDefinition(f.text, { path: f.path });
        return { name: def.name, body: def.kind === "agent" ? def.body : "" };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(stored).toEqual(expected);
    expect(stored.find((r) => r.name === "astral")?.body).toBe("Body after 🚀 and 𝔘.\n");
  });

  it("runs two imports of the same source at once without failing or duplicating", async () => {
    const other = t.url ? await t.reopen() : db;
    const [a, b] = await Promise.all([
      importFiles(db, fixtureFiles, { source: "race" }),
      importFiles(other, fixtureFiles, { source: "race" }),
    ]);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    expect(a.created.length + b.created.length).toBe(6);
    expect(a.unchanged.length + b.unchanged.length).toBe(6);
    const counts = await query<{ files: number; revisions: number; agents: number }>(
      db,
      "select (select count(*)::int from files) as files, (select count(*)::int from revisions) as revisions, (select count(*)::int from agents) as agents",
    );
    expect(counts[0]).toEqual({ files: 6, revisions: 6, agents: 3 });
  });
});
