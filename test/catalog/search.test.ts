// Full-text search finds an agent by its name: the name as written (hyphens and all) matches
// the name, an exact name or ref ranks first, and a declared name that is not kebab-case is
// found as written. Before, names were indexed with their hyphens turned into spaces while a
// query kept the hyphenated token: `release-captain` found bodies that mention it but not the
// agent, and `backend-architect` ranked database architects first.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { listAgents } from "../../src/catalog/reads/index.js";
import { encodeCursor } from "../../src/catalog/reads/internal.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const agent = (name: string, description: string, body: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

// Bodies that mention other agents' names often, so that rank alone would put them first.
const CORE = [
  {
    path: "agents/release-captain.md",
    text: agent("release-captain", "Cuts and ships versions on a fixed cadence.", "Owns the train."),
  },
  {
    path: "agents/incident-lead.md",
    text: agent(
      "incident-lead",
      "Runs outages.",
      "Pages the release-captain. Asks the release-captain to freeze; the release-captain agrees.",
    ),
  },
  {
    path: "agents/backend-architect.md",
    text: agent("backend-architect", "Designs services.", "Draws boxes."),
  },
  {
    path: "agents/database-architect.md",
    text: agent(
      "database-architect",
      "Designs schemas with the backend-architect.",
      "Works with backend-architect daily; the backend-architect reviews; backend-architect signs off.",
    ),
  },
  {
    path: "agents/data-architect.md",
    text: agent(
      "data-architect",
      "Models data for the backend-architect.",
      "Reports to backend-architect; backend-architect and backend-architect again.",
    ),
  },
  {
    path: "agents/dotnet-framework-4.8-expert.md",
    text: agent("dotnet-framework-4.8-expert", "Keeps legacy .NET services alive.", "Knows WCF."),
  },
];
const OTHER = [
  {
    path: "agents/backend-architect.md",
    text: agent("backend-architect", "Another team's architect of services.", "Draws other boxes."),
  },
];

describe.each(await driverCases())("search by name on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await open();
    db = t.database;
    expect((await importFiles(db, CORE, { source: "core" })).failed).toEqual([]);
    expect((await importFiles(db, OTHER, { source: "other" })).failed).toEqual([]);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const search = async (text: string, first = 10) =>
    (await listAgents(db.db, EVERY_SOURCE, { filter: { text }, orderBy: "RELEVANCE", first })).nodes.map(
      (n) => `${n.source}/${n.name}`,
    );

  it("finds an agent by its hyphenated name, first", async () => {
    const found = await search("release-captain");
    expect(found[0]).toBe("core/release-captain");
    expect(found).toContain("core/incident-lead");
  });

  it("ranks every agent of that exact name before the agents that mention it", async () => {
    const found = await search("backend-architect");
    expect(found.slice(0, 2).sort()).toEqual(["core/backend-architect", "other/backend-architect"]);
    expect(found.slice(2).sort()).toEqual(["core/data-architect", "core/database-architect"]);
  });

  it("finds one agent by its ref", async () => {
    expect((await search("other/backend-architect"))[0]).toBe("other/backend-architect");
    expect((await search("core/release-captain"))[0]).toBe("core/release-captain");
  });

  it("finds a declared name that is not kebab-case as written", async () => {
    expect(await search("dotnet-framework-4.8-expert")).toEqual(["core/dotnet-framework-4-8-expert"]);
    expect(await search("core/dotnet-framework-4.8-expert")).toEqual(["core/dotnet-framework-4-8-expert"]);
  });

  it("reads web-search syntax as a query, never as a name", async () => {
    expect(await search("backend -architect")).toEqual([]);
    expect((await search('"release captain"')).sort()).toEqual([
      "core/incident-lead",
      "core/release-captain",
    ]);
  });

  it("matches the hyphenated name through the vector itself, not only the exact-name lookup", async () => {
    // `or` makes this text no agent's name: only the full-text match can find the agent.
    expect(await search("release-captain or zeppelin")).toContain("core/release-captain");
    const vectors = rowsOf<{ n: number }>(
      await db.db.execute(
        "select count(*)::int as n from agent_search x join agents a on a.id = x.agent_id where a.name = 'release-captain' and x.search @@ websearch_to_tsquery('english', 'release-captain')",
      ),
    );
    expect(vectors).toEqual([{ n: 1 }]);
  });

  it("pages through exact matches and ranked ones without losing or repeating any", async () => {
    const whole = await search("backend-architect");
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page = await listAgents(db.db, EVERY_SOURCE, {
        filter: { text: "backend-architect" },
        orderBy: "RELEVANCE",
        first: 1,
        after,
      });
      paged.push(...page.nodes.map((n) => `${n.source}/${n.name}`));
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
    expect(paged).toEqual(whole);
  });

  it("reads a relevance cursor made before exact matches ranked first (the rank alone)", async () => {
    const whole = await listAgents(db.db, EVERY_SOURCE, {
      filter: { text: "backend-architect" },
      orderBy: "RELEVANCE",
      first: 10,
    });
    const third = whole.nodes[2]!;
    const legacy = encodeCursor("RELEVANCE", String(third.rank), third.id);
    const rest = await listAgents(db.db, EVERY_SOURCE, {
      filter: { text: "backend-architect" },
      orderBy: "RELEVANCE",
      first: 10,
      after: legacy,
    });
    expect(rest.nodes.map((n) => n.ref)).toEqual(whole.nodes.slice(3).map((n) => n.ref));
  });
});
