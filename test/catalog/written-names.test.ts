// Names as written (issue 14 points 1 and 5, decision 0015 steps 4-6), on every driver: the
// reader's written names are stored with each edge; a group ("All Agents") is never an agent and
// is listed apart as kind `group`; after the name and the stems, a name matches without hyphens,
// then as a declared name was written, then as the only `…-<name>` of the stating agent's
// plugin, never the stating agent itself; an agent or a plugin manifest that arrives later
// resolves what was written for it.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { diagnoseCatalog } from "../../src/catalog/doctor.js";
import { type ImportFile, importFiles } from "../../src/catalog/import.js";
import { unresolvedReferences } from "../../src/catalog/reads/index.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { matchAgentName } from "../../src/catalog/resolve.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { gql, testApp } from "../support/app.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/written-names");
const files: ImportFile[] = (await findDefinitionFiles([FIXTURES])).map((f) => ({
  path: f.relativePath,
  kind: f.kind,
  text: readFileSync(f.path, "utf8"),
}));
const only = (...paths: string[]) => files.filter((f) => paths.includes(f.path));
const without = (...paths: string[]) => files.filter((f) => !paths.includes(f.path));

async function query<T>(db: Database, statement: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.db.execute(statement));
}

/** Each explicit edge: who states it, the name, as written, its kind, and what it resolved to. */
async function edges(db: Database) {
  return query<{
    agent: string;
    to: string;
    text: string | null;
    kind: string | null;
    target: string | null;
  }>(
    db,
    sql`select a.name as agent, c.to_name as to, c.to_text as text, c.to_kind as kind, t.name as target
          from collaborations c join agents a on a.id = c.agent_id and a.deleted_at is null
          left join agents t on t.id = c.to_agent_id
         where c.kind <> 'mention' order by a.name, c.id`,
  );
}

const RESOLVED = [
  { agent: "cloud-architect", to: "architect", text: null, kind: null, target: null },
  {
    agent: "dock-master",
    to: "tik-tok-strategist",
    text: "TikTok Strategist",
    kind: null,
    target: "tiktok-strategist",
  },
  { agent: "dock-master", to: "all-agents", text: "All Agents", kind: "group", target: null },
  { agent: "dock-master", to: "engineering-team", text: "Engineering Team", kind: "group", target: null },
  { agent: "dock-master", to: "architect", text: null, kind: null, target: "backend-architect" },
  { agent: "infra-ops", to: "architect", text: null, kind: null, target: "cloud-architect" },
];

describe.each(await engineCases())("names as written on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open();
    db = t.database;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("stores written names, keeps groups apart, and resolves by flat name and suffix but never to itself", async () => {
    const report = await importFiles(db, files, { source: "port" });
    expect([report.failed, report.conflicts]).toEqual([[], []]);
    expect(await edges(db)).toEqual(RESOLVED);
    expect(
      await query(db, sql`select al.alias, a.name from agent_aliases al join agents a on a.id = al.agent_id`),
    ).toEqual([{ alias: "Reel Maker", name: "reel-maker" }]);
    const [flat] = await query<{ flat_name: string }>(
      db,
      sql`select flat_name from agents where name = 'tiktok-strategist'`,
    );
    expect(flat!.flat_name).toBe("tiktokstrategist");
    const page = await unresolvedReferences(db.db, EVERY_SOURCE, { source: "port", first: 20 });
    expect(page.nodes.map((u) => [u.agentRef, u.kind, u.name])).toEqual([
      ["port/dock-master", "group", "All Agents"],
      ["port/dock-master", "group", "Engineering Team"],
      ["port/dock-master", "skill", "rope-splicing"],
      ["port/cloud-architect", "collaborator", "architect"],
    ]);
    // The same through GraphQL (the enum's value is GROUP).
    const r = await gql<any>(testApp(db), `{ unresolvedReferences(source: "port") { nodes { kind name } } }`);
    expect(r.body.errors).toBeUndefined();
    expect(
      r.body.data.unresolvedReferences.nodes.filter((n: { kind: string }) => n.kind === "GROUP"),
    ).toEqual([
      { kind: "GROUP", name: "All Agents" },
      { kind: "GROUP", name: "Engineering Team" },
    ]);
    expect(await diagnoseCatalog(db)).toEqual([]);
  });

  it("resolves what was written for an agent, or a plugin manifest, that arrives later", async () => {
    const late = [
      "agents/tiktok-strategist.md",
      "agents/backend-architect.md",
      "plugins/infra/agents/cloud-architect.md",
    ];
    await importFiles(db, without(...late, "plugins/harbor/.claude-plugin/plugin.json"), { source: "port" });
    const before = await edges(db);
    expect(before.filter((e) => e.target !== null)).toEqual([]);
    const [unmatched] = await query<{ command_id: unknown }>(db, sql`select command_id from agent_commands`);
    expect(unmatched!.command_id).toBeNull();
    // The agents, one at a time, then the manifest: each resolves what waited for it.
    for (const path of late) await importFiles(db, only(path), { source: "port" });
    expect(await edges(db)).toEqual(RESOLVED);
    await importFiles(db, only("plugins/harbor/.claude-plugin/plugin.json"), { source: "port" });
    const [resolved] = await query<{ path: string }>(
      db,
      sql`select f.path from agent_commands m join commands k on k.id = m.command_id join files f on f.id = k.file_id`,
    );
    expect(resolved!.path).toBe("plugins/harbor/commands/moor.md");
    // Renamed, the manifest no longer names the command's plugin: the reference waits again.
    const manifest = only("plugins/harbor/.claude-plugin/plugin.json")[0]!;
    await importFiles(db, [{ ...manifest, text: manifest.text.replace("harbor-tools", "quay-tools") }], {
      source: "port",
    });
    expect(await query(db, sql`select command_id from agent_commands`)).toEqual([{ command_id: null }]);
    // And an agent that goes takes its edges' matches with it, whatever step found them.
    await importFiles(db, without("agents/tiktok-strategist.md"), { source: "port", prune: true });
    expect((await edges(db)).find((e) => e.to === "tik-tok-strategist")!.target).toBeNull();
    expect(await diagnoseCatalog(db)).toEqual([]);
  });

  it("matches a declared name as written, only where the name and flat name find nothing, never itself", async () => {
    await importFiles(db, files, { source: "port" });
    const sourceId = (await query<{ id: number }>(db, sql`select id from sources where name = 'port'`))[0]!
      .id;
    const reel = (await query<{ id: number }>(db, sql`select id from agents where name = 'reel-maker'`))[0]!
      .id;
    const match = async (name: string, text: string | null, self: number, loose = true) => {
      const [row] = await query<{ chosen: unknown }>(
        db,
        sql`select m.chosen from ${matchAgentName(Number(sourceId), sql`${name}::text`, sql`''::text`, sql`${text}::text`, sql`${self}::bigint`, loose ? sql`true` : sql`false`)} m`,
      );
      return row!.chosen === null ? null : Number(row!.chosen);
    };
    expect(await match("reels-by-hand", "Reel Maker", 0)).toBe(Number(reel));
    expect(await match("reels-by-hand", "Reel Maker", Number(reel))).toBeNull();
    expect(await match("reels-by-hand", "reel maker", 0)).toBeNull();
    // A body's mention candidates take the name and the stems only.
    expect(await match("reels-by-hand", "Reel Maker", 0, false)).toBeNull();
    expect(await match("tik-tok-strategist", null, 0, false)).toBeNull();
  });
});
