// The read operations on every driver, over a small catalog imported from inline files: exact
// results, and the number of SQL statements each operation sends, which must not grow with
// the size of its answer.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { sha256 } from "../../src/catalog/hash.js";
import { importFiles } from "../../src/catalog/import.js";
import {
  type AgentSummary,
  agentGraph,
  type CollaborationEdge,
  collaborationPath,
  collaboratorsOf,
  commandsBy,
  commandsOf,
  dependentsOf,
  examplesOf,
  getAgentByRef,
  getAgentMarkdown,
  getAgentsByIds,
  getAgentsByRefs,
  InvalidArgumentError,
  InvalidCursorError,
  type ListAgentsArgs,
  listAgents,
  NotFoundError,
  revisionDiff,
  revisionsOf,
  sectionsOf,
  skillsBy,
  skillsOf,
  toolsOf,
  unresolvedReferences,
  variantsOf,
} from "../../src/catalog/reads/index.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { parseDefinition } from "../../src/definitions/index.js";
import { communityFiles, coreFiles, loneWolf, plannerV1, plannerV2 } from "../fixtures/reads/catalog.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split(/\r\n|\n|\r/).findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the text`);
  return index + 1;
}

describe.each(await driverCases())("catalog reads on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  /** Agent ids by ref, deleted legacy-bot included. */
  const id: Record<string, number> = {};

  /** Runs a read and returns its result with the number of statements it sent. */
  async function counted<T>(read: () => Promise<T>): Promise<[T, number]> {
    const before = db.statements;
    const result = await read();
    return [result, db.statements - before];
  }

  async function one<T>(text: string): Promise<T> {
    return rowsOf<T>(await db.db.execute(sql.raw(text)))[0]!;
  }

  const names = (agents: readonly (AgentSummary | null)[]) => agents.map((a) => a?.ref ?? null);
  const ref = (agentId: number | null) => Object.entries(id).find(([, v]) => v === agentId)?.[0] ?? null;
  /** An edge as [kind, from, to, stated by], by refs (or the name as written when unresolved). */
  const brief = (e: CollaborationEdge) => [
    e.kind,
    ref(e.fromAgentId) ?? e.fromName,
    ref(e.toAgentId) ?? e.toName,
    ref(e.statedBy),
  ];

  beforeAll(async () => {
    t = await open();
    db = t.database;
    const first = await importFiles(db, coreFiles(1), { source: "core" });
    expect(first.failed).toEqual([]);
    const community = await importFiles(db, communityFiles, { source: "community" });
    expect(community.failed).toEqual([]);
    const second = await importFiles(db, coreFiles(2), { source: "core", prune: true });
    expect([second.updated, second.deleted, second.failed]).toEqual([
      ["agents/planner.md"],
      ["agents/legacy-bot.md"],
      [],
    ]);
    const rows = rowsOf<{ id: number | string; ref: string }>(
      await db.db.execute(
        sql`select a.id, s.name || '/' || a.name as ref from agents a join sources s on s.id = a.source_id`,
      ),
    );
    for (const r of rows) id[r.ref] = Number(r.id);
    expect(Object.keys(id)).toHaveLength(13);
  });

  afterAll(async () => {
    await t?.cleanup();
  });

  describe("agents", () => {
    it("reads an agent summary by ref, and null for a missing, deleted or malformed ref", async () => {
      const [agent, statements] = await counted(() =>
        getAgentByRef(db.db, EVERY_SOURCE, "core/kubernetes-operator"),
      );
      expect(statements).toBe(1);
      expect(agent).toEqual({
        id: id["core/kubernetes-operator"],
        ref: "core/kubernetes-operator",
        source: "core",
        sourceId: expect.any(Number),
        namespace: "ops",
        name: "kubernetes-operator",
        stem: "kubernetes-operator",
        description: "Operates clusters and rolls out releases.",
        model: { raw: "sonnet", family: "sonnet" },
        color: null,
        toolsMode: "list",
        fileId: expect.any(Number),
        path: "plugins/ops/agents/kubernetes-operator.md",
        revisionId: expect.any(Number),
        revisionNumber: 1,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      const helper = await getAgentByRef(db.db, EVERY_SOURCE, "core/ops-helper");
      expect([helper?.stem, helper?.namespace, helper?.model, helper?.toolsMode]).toEqual([
        "helper",
        "ops",
        null,
        "inherit",
      ]);
      const planner = await getAgentByRef(db.db, EVERY_SOURCE, "core/planner");
      expect([planner?.revisionNumber, planner?.model, planner?.color]).toEqual([
        2,
        { raw: "sonnet", family: "sonnet" },
        "purple",
      ]);
      expect(planner!.updatedAt.getTime()).toBeGreaterThan(planner!.createdAt.getTime());
      expect(await getAgentByRef(db.db, EVERY_SOURCE, "core/legacy-bot")).toBeNull();
      expect(await getAgentByRef(db.db, EVERY_SOURCE, "core/nobody")).toBeNull();
      expect(await getAgentByRef(db.db, EVERY_SOURCE, "nowhere/planner")).toBeNull();
      const [malformed, none] = await counted(() => getAgentByRef(db.db, EVERY_SOURCE, "planner"));
      expect([malformed, none]).toEqual([null, 0]);
    });

    it("reads agents by ids and by refs in one statement, aligned with the keys", async () => {
      const ids = [
        id["community/planner"]!,
        999_999,
        id["core/legacy-bot"]!,
        id["core/planner"]!,
        id["community/planner"]!,
      ];
      const [byIds, statements] = await counted(() => getAgentsByIds(db.db, EVERY_SOURCE, ids));
      expect(statements).toBe(1);
      expect(names(byIds)).toEqual(["community/planner", null, null, "core/planner", "community/planner"]);
      expect(byIds[0]!.model).toEqual({ raw: "sonnet", family: "sonnet" });

      const refs = ["core/test-runner", "core/legacy-bot", "bad", "community/lone-wolf", "core/test-runner"];
      const [byRefs, refStatements] = await counted(() => getAgentsByRefs(db.db, EVERY_SOURCE, refs));
      expect(refStatements).toBe(1);
      expect(names(byRefs)).toEqual([
        "core/test-runner",
        null,
        null,
        "community/lone-wolf",
        "core/test-runner",
      ]);
      expect(byRefs[0]!.id).toBe(id["core/test-runner"]);

      const all = Object.values(id);
      const [many, manyStatements] = await counted(() => getAgentsByIds(db.db, EVERY_SOURCE, all));
      expect(manyStatements).toBe(1);
      expect(many.filter((a) => a !== null)).toHaveLength(12);
      expect(await counted(() => getAgentsByIds(db.db, EVERY_SOURCE, []))).toEqual([[], 0]);
    });

    it("reads the exact current file text, byte order mark and CRLF included", async () => {
      const [text, statements] = await counted(() => getAgentMarkdown(db.db, id["core/planner"]!));
      expect(statements).toBe(1);
      expect(text).toBe(plannerV2);
      expect(await getAgentMarkdown(db.db, id["community/lone-wolf"]!)).toBe(loneWolf);
      expect(await getAgentMarkdown(db.db, id["core/legacy-bot"]!)).toBeNull();
    });
  });

  describe("listAgents", () => {
    async function all(args: Omit<ListAgentsArgs, "first" | "after">, first: number) {
      const pages: string[][] = [];
      let after: string | null = null;
      let total = -1;
      for (;;) {
        const [page, statements] = await counted(() =>
          listAgents(db.db, EVERY_SOURCE, { ...args, first, after }),
        );
        expect(statements).toBe(1);
        pages.push(page.nodes.map((n) => n.ref));
        total = page.totalCount;
        if (!page.hasNextPage) {
          // Past the last page: nothing, but still the total.
          const past = await listAgents(db.db, EVERY_SOURCE, { ...args, first, after: page.endCursor });
          expect([past.nodes, past.hasNextPage, past.endCursor, past.totalCount]).toEqual([
            [],
            false,
            null,
            total,
          ]);
          break;
        }
        after = page.endCursor;
      }
      return { pages, total };
    }

    it("pages through every agent by name in one statement per page", async () => {
      const { pages, total } = await all({}, 5);
      expect(total).toBe(12);
      expect(pages).toEqual([
        [
          "core/api-designer",
          "core/backend-dev",
          "core/docs-writer",
          "core/kubernetes-operator",
          "community/lone-wolf",
        ],
        ["core/ops-helper", "core/payments-helper", "core/planner", "community/planner", "core/reviewer"],
        ["community/scribe", "core/test-runner"],
      ]);
      const first = await listAgents(db.db, EVERY_SOURCE, { first: 1 });
      expect(first.nodes[0]).toEqual({
        ...(await getAgentByRef(db.db, EVERY_SOURCE, "core/api-designer")),
        rank: null,
        cursor: first.endCursor,
      });
      const empty = await listAgents(db.db, EVERY_SOURCE, { first: 0 });
      expect([empty.nodes, empty.hasNextPage, empty.totalCount]).toEqual([[], true, 12]);
    });

    it("orders by last update, newest first, ties by id, across pages", async () => {
      const { pages } = await all({ orderBy: "UPDATED_AT" }, 4);
      const byId = (refs: string[]) => refs.sort((a, b) => id[b]! - id[a]!);
      // The planner changed last; the community source was imported after the first core import.
      expect(pages.flat()).toEqual([
        "core/planner",
        ...byId(["community/planner", "community/scribe", "community/lone-wolf"]),
        ...byId([
          "core/api-designer",
          "core/backend-dev",
          "core/test-runner",
          "core/reviewer",
          "core/docs-writer",
          "core/payments-helper",
          "core/ops-helper",
          "core/kubernetes-operator",
        ]),
      ]);
    });

    it("filters by source, namespace, model family, tool, skill and color, with the total", async () => {
      const refs = async (filter: ListAgentsArgs["filter"]) => {
        const [page, statements] = await counted(() =>
          listAgents(db.db, EVERY_SOURCE, { filter, first: 50 }),
        );
        expect(statements).toBe(1);
        expect(page.totalCount).toBe(page.nodes.length);
        return page.nodes.map((n) => n.ref);
      };
      expect(await refs({ source: "community" })).toEqual([
        "community/lone-wolf",
        "community/planner",
        "community/scribe",
      ]);
      expect(await refs({ source: "core" })).toHaveLength(9);
      expect(await refs({ source: "nowhere" })).toEqual([]);
      expect(await refs({ namespace: "ops" })).toEqual(["core/kubernetes-operator", "core/ops-helper"]);
      expect(await refs({ modelFamily: "sonnet" })).toEqual([
        "core/api-designer",
        "core/backend-dev",
        "core/kubernetes-operator",
        "core/planner",
        "community/planner",
        "core/reviewer",
      ]);
      expect(await refs({ modelFamily: "sonnet", source: "core", namespace: "" })).toEqual([
        "core/api-designer",
        "core/backend-dev",
        "core/planner",
        "core/reviewer",
      ]);
      expect(await refs({ tool: "Read" })).toEqual([
        "core/api-designer",
        "core/backend-dev",
        "core/planner",
        "core/test-runner",
      ]);
      expect(await refs({ tool: "mcp__github__create_issue" })).toEqual(["core/planner"]);
      expect(await refs({ tool: "WebFetch" })).toEqual([]);
      expect(await refs({ skill: "ledger-rules" })).toEqual(["core/payments-helper", "core/planner"]);
      expect(await refs({ color: "blue" })).toEqual(["core/reviewer"]);
      // Names that hold the text, ignoring case; % and _ are letters here, not LIKE's wildcards.
      expect(await refs({ nameContains: "PLAN" })).toEqual(["core/planner", "community/planner"]);
      expect(await refs({ nameContains: "-helper" })).toEqual(["core/ops-helper", "core/payments-helper"]);
      expect(await refs({ nameContains: "er", source: "community" })).toEqual(["community/planner"]);
      expect(await refs({ nameContains: "%" })).toEqual([]);
      expect(await refs({ nameContains: "_" })).toEqual([]);
      expect(await refs({ nameContains: "  " })).toEqual(await refs({}));
      const named = await all({ filter: { nameContains: "helper" } }, 1);
      expect(named.pages).toEqual([["core/ops-helper"], ["core/payments-helper"]]);

      const page = await listAgents(db.db, EVERY_SOURCE, { filter: { tool: "Read" }, first: 3 });
      expect([page.nodes.length, page.hasNextPage, page.totalCount]).toEqual([3, true, 4]);
    });

    it("searches full text, ranking a name match above a body match, and pages by relevance", async () => {
      const [page, statements] = await counted(() =>
        listAgents(db.db, EVERY_SOURCE, { filter: { text: "kubernetes" }, orderBy: "RELEVANCE", first: 10 }),
      );
      expect(statements).toBe(1);
      expect(page.nodes.map((n) => n.ref)).toEqual(["core/kubernetes-operator", "core/docs-writer"]);
      expect(page.nodes[0]!.rank!).toBeGreaterThan(page.nodes[1]!.rank!);
      expect(page.totalCount).toBe(2);

      const { pages } = await all({ filter: { text: "kubernetes" }, orderBy: "RELEVANCE" }, 1);
      expect(pages).toEqual([["core/kubernetes-operator"], ["core/docs-writer"]]);
      // Equal ranks fall back to id order.
      const helpers = await all({ filter: { text: "helps" }, orderBy: "RELEVANCE" }, 1);
      expect(helpers.pages.flat()).toEqual(["core/payments-helper", "core/ops-helper"]);

      const named = await listAgents(db.db, EVERY_SOURCE, {
        filter: { text: "plans", source: "community" },
        first: 10,
      });
      expect(named.nodes.map((n) => n.ref)).toEqual(["community/planner"]);
      const phrase = await listAgents(db.db, EVERY_SOURCE, {
        filter: { text: '"double-entry" OR "kubernetes clusters"' },
        first: 10,
      });
      expect(phrase.nodes.map((n) => n.ref)).toEqual(["core/docs-writer"]);
      const excluded = await listAgents(db.db, EVERY_SOURCE, {
        filter: { text: "kubernetes -operator" },
        first: 10,
      });
      expect(excluded.nodes.map((n) => n.ref)).toEqual(["core/docs-writer"]);
    });

    it("rejects bad cursors and RELEVANCE without text with typed errors", async () => {
      const page = await listAgents(db.db, EVERY_SOURCE, { first: 2 });
      await expect(
        listAgents(db.db, EVERY_SOURCE, { first: 2, after: "not a cursor!" }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(listAgents(db.db, EVERY_SOURCE, { first: 2, after: "bm9wZQ" })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      // A cursor is bound to the ordering it was made for.
      await expect(
        listAgents(db.db, EVERY_SOURCE, { first: 2, after: page.endCursor, orderBy: "UPDATED_AT" }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(
        listAgents(db.db, EVERY_SOURCE, { first: 2, orderBy: "RELEVANCE" }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(listAgents(db.db, EVERY_SOURCE, { first: -1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    });
  });

  describe("facts", () => {
    // The planner first, so that its facts can be compared with those read alone.
    const everyone = () => [
      id["core/planner"]!,
      ...Object.values(id).filter((v) => v !== id["core/planner"]),
    ];

    it("costs one statement per kind of fact, for one agent as for all of them", async () => {
      const reads: ((db: Database["db"], ids: readonly number[]) => Promise<unknown[][]>)[] = [
        toolsOf,
        skillsOf,
        commandsOf,
        examplesOf,
        sectionsOf,
        (db, ids) => variantsOf(db, EVERY_SOURCE, ids),
        revisionsOf,
      ];
      for (const read of reads) {
        const [single, oneStatement] = await counted(() => read(db.db, [id["core/planner"]!]));
        const [many, manyStatements] = await counted(() => read(db.db, everyone()));
        expect([read.name, oneStatement, manyStatements]).toEqual([read.name, 1, 1]);
        expect(many[0]).toEqual(single[0]);
        expect(many).toHaveLength(13);
        expect(await counted(() => read(db.db, []))).toEqual([[], 0]);
      }
    });

    it("reads tools with their kind, server, tier and position", async () => {
      const [planner, deleted, testRunner, writer] = await toolsOf(db.db, [
        id["core/planner"]!,
        id["core/legacy-bot"]!,
        id["core/test-runner"]!,
        id["core/docs-writer"]!,
      ]);
      const ignoreId = (tools: typeof planner) => tools!.map(({ toolId: _, ...rest }) => rest);
      expect(ignoreId(planner)).toEqual([
        { name: "Read", kind: "builtin", server: null, tier: "essential", position: 0 },
        { name: "Grep", kind: "builtin", server: null, tier: "optional", position: 1 },
        { name: "Edit", kind: "builtin", server: null, tier: "optional", position: 2 },
        {
          name: "mcp__github__create_issue",
          kind: "mcp",
          server: "github",
          tier: "specialized",
          position: 3,
        },
      ]);
      expect(deleted).toEqual([]);
      expect(ignoreId(testRunner)).toEqual([
        { name: "Bash", kind: "builtin", server: null, tier: "none", position: 0 },
        { name: "Read", kind: "builtin", server: null, tier: "none", position: 1 },
      ]);
      expect(testRunner![1]!.toolId).toBe(planner![0]!.toolId);
      expect(writer).toEqual([]);
    });

    it("reads skills, resolved to a skill of the source or not", async () => {
      const [planner, helper] = await skillsOf(db.db, [id["core/planner"]!, id["core/payments-helper"]!]);
      const skill = await one<{ id: number | string }>("select id from skills where name = 'ledger-rules'");
      const roadmapping = await one<{ id: number | string }>(
        "select id from skills where name = 'roadmapping'",
      );
      expect(planner).toEqual([
        {
          name: "roadmapping",
          origin: "frontmatter",
          position: 0,
          skillId: Number(roadmapping.id),
          skillRef: "core/roadmapping",
          evidence: null,
        },
        {
          name: "sprint-review",
          origin: "frontmatter",
          position: 1,
          skillId: null,
          skillRef: null,
          evidence: null,
        },
        {
          name: "ledger-rules",
          origin: "body",
          position: 2,
          skillId: Number(skill.id),
          skillRef: "core/ledger-rules",
          evidence: { line: lineOf(plannerV2, "- `ledger-rules`"), text: "- `ledger-rules`" },
        },
      ]);
      expect(helper!.map((s) => s.skillRef)).toEqual(["core/ledger-rules"]);
    });

    it("reads commands with the command they resolve to", async () => {
      const deploy = await one<{ id: number | string }>("select id from commands where name = 'deploy'");
      const line = lineOf(plannerV2, "/ops:deploy");
      const text = "- Run `/ops:deploy` after approval, then `/ops:status`.";
      const [planner, reviewer] = await commandsOf(db.db, [id["core/planner"]!, id["core/reviewer"]!]);
      expect(planner).toEqual([
        { name: "/ops:deploy", position: 0, commandId: Number(deploy.id), evidence: { line, text } },
        { name: "/ops:status", position: 1, commandId: null, evidence: { line, text } },
      ]);
      expect(reviewer).toEqual([]);
    });

    it("reads examples", async () => {
      const [planner] = await examplesOf(db.db, [id["core/planner"]!]);
      expect(planner).toEqual([
        {
          position: 0,
          context: "A new feature request arrives",
          user: "Plan the checkout redesign",
          assistant: "I'll use the planner agent to split it into tasks",
          commentary: "New features start with a plan.",
        },
        {
          position: 1,
          context: null,
          user: "What should we build this quarter?",
          assistant: "Let me ask the planner",
          commentary: null,
        },
      ]);
    });

    it("reads sections with their text sliced from the body at the right offset", async () => {
      const [planner, wolf, writer] = await sectionsOf(db.db, [
        id["core/planner"]!,
        id["community/lone-wolf"]!,
        id["core/docs-writer"]!,
      ]);
      for (const [sections, text, path] of [
        [planner!, plannerV2, "agents/planner.md"],
        [wolf!, loneWolf, "agents/lone-wolf.md"],
      ] as const) {
        const parsed = parseDefinition(text, { path });
        if (parsed.kind === "plugin") throw new Error("not an agent");
        expect(sections.map(({ markdown: _, ...s }) => s)).toEqual(
          parsed.sections.map((s, position) => ({ position, ...s })),
        );
      }
      expect(planner!.map((s) => s.title)).toEqual([
        "Planner",
        "Responsibilities",
        "Required Skills",
        "Collaboration",
        "Downstream Deliverables (Provides Output To)",
        "Peer Collaboration",
      ]);
      expect(planner![2]!.markdown).toBe("## Required Skills\n- `ledger-rules`\n\n");
      expect(planner![2]!.text).toBe("- `ledger-rules`");
      expect(wolf!.map((s) => s.markdown)).toEqual([
        "# Lone Wolf\r\n\r\nNo collaborators.\r\n\r\n",
        "## Habits\r\n- Works at night\r\n",
      ]);
      expect(writer).toEqual([]);
    });

    it("finds skills and commands by name within a source", async () => {
      const [skills, statements] = await counted(() =>
        skillsBy(db.db, EVERY_SOURCE, ["ledger-rules", "nope", "roadmapping"], "core"),
      );
      expect(statements).toBe(1);
      expect(skills.map((s) => s?.ref ?? null)).toEqual(["core/ledger-rules", null, "core/roadmapping"]);
      expect(skills[0]).toEqual({
        id: expect.any(Number),
        ref: "core/ledger-rules",
        source: "core",
        sourceId: expect.any(Number),
        namespace: "payments",
        name: "ledger-rules",
        description: "Double-entry invariants.",
        fileId: expect.any(Number),
        path: "plugins/payments/skills/ledger-rules/SKILL.md",
      });
      expect(await skillsBy(db.db, EVERY_SOURCE, ["ledger-rules"], "community")).toEqual([null]);

      const [commands, commandStatements] = await counted(() =>
        commandsBy(db.db, EVERY_SOURCE, ["/ops:deploy", "deploy", "/payments:deploy", "/ops:status"], "core"),
      );
      expect(commandStatements).toBe(1);
      expect(commands.map((list) => list.map((c) => `${c.namespace}:${c.name}`))).toEqual([
        ["ops:deploy"],
        ["ops:deploy"],
        [],
        [],
      ]);
      expect(commands[0]![0]).toMatchObject({
        source: "core",
        path: "plugins/ops/commands/deploy.md",
        description: null,
      });
    });
  });

  describe("collaborations", () => {
    it("lists an agent's collaborators: handoffs, its peers seen from its side, its mentions", async () => {
      const ids = [
        id["core/planner"]!,
        id["core/reviewer"]!,
        id["core/docs-writer"]!,
        id["core/api-designer"]!,
      ];
      const [[planner, reviewer, writer, designer], statements] = await counted(() =>
        collaboratorsOf(db.db, ids),
      );
      expect(statements).toBe(1);
      expect(planner!.map(brief)).toEqual([
        ["handoff", "core/planner", "core/api-designer", "core/planner"],
        ["handoff", "core/planner", "ghost-writer", "core/planner"],
        ["handoff", "core/planner", "core/backend-dev", "core/planner"],
        ["peer", "core/planner", "core/reviewer", "core/planner"],
        ["mention", "core/planner", "core/test-runner", "core/planner"],
      ]);
      expect(planner![0]).toEqual({
        id: expect.any(Number),
        kind: "handoff",
        fromAgentId: id["core/planner"],
        toAgentId: id["core/api-designer"],
        fromName: "planner",
        toName: "api-designer",
        summary: "API requirements",
        attributes: { handoffLocation: "`docs/api.md`" },
        phase: null,
        section: "Downstream Deliverables (Provides Output To)",
        evidence: {
          line: lineOf(plannerV2, "**api-designer**"),
          text: "- **api-designer** ← API requirements",
        },
        statedBy: id["core/planner"],
        candidates: [],
        reversed: false,
      });
      expect(planner![1]).toMatchObject({ toAgentId: null, toName: "ghost-writer", candidates: [] });
      const mentionLine = "Plans the work. Ask test-runner for a smoke check, a well-known habit.";
      expect(planner![4]).toMatchObject({
        summary: null,
        section: null,
        evidence: { line: lineOf(plannerV2, mentionLine), text: mentionLine },
      });
      // A peer stated by the planner is, seen from the reviewer, the reviewer's peer.
      expect(reviewer!.map(brief)).toEqual([
        ["peer", "core/reviewer", "core/docs-writer", "core/reviewer"],
        ["peer", "core/reviewer", "core/planner", "core/planner"],
      ]);
      expect(reviewer!.map((e) => [e.fromName, e.toName, e.reversed])).toEqual([
        ["reviewer", "docs-writer", false],
        ["reviewer", "planner", true],
      ]);
      expect(writer!.map(brief)).toEqual([["peer", "core/docs-writer", "core/reviewer", "core/reviewer"]]);
      expect(designer!.map(brief)).toEqual([
        ["handoff", "core/api-designer", "core/backend-dev", "core/api-designer"],
        ["handoff", "core/api-designer", "helper", "core/api-designer"],
      ]);
      expect(designer![1]!.candidates).toEqual(["core/ops-helper", "core/payments-helper"]);

      const [onlyMentions] = await collaboratorsOf(db.db, [id["core/planner"]!], { kinds: ["mention"] });
      expect(onlyMentions!.map(brief)).toEqual([
        ["mention", "core/planner", "core/test-runner", "core/planner"],
      ]);
      // test-runner's mention of the deleted legacy-bot is no longer an edge.
      const [runner, deleted] = await collaboratorsOf(db.db, [
        id["core/test-runner"]!,
        id["core/legacy-bot"]!,
      ]);
      expect(runner!.map(brief)).toEqual([
        ["handoff", "core/test-runner", "core/kubernetes-operator", "core/kubernetes-operator"],
      ]);
      expect(deleted).toEqual([]);
    });

    it("lists an agent's dependents: handoffs to it, mentions by others, peers others state", async () => {
      const ids = [
        id["core/test-runner"]!,
        id["core/reviewer"]!,
        id["core/planner"]!,
        id["core/kubernetes-operator"]!,
        id["core/docs-writer"]!,
        id["community/planner"]!,
      ];
      const [[runner, reviewer, planner, operator, writer, communityPlanner], statements] = await counted(
        () => dependentsOf(db.db, ids),
      );
      expect(statements).toBe(1);
      expect(runner!.map(brief)).toEqual([
        ["handoff", "core/backend-dev", "core/test-runner", "core/backend-dev"],
        ["mention", "core/planner", "core/test-runner", "core/planner"],
      ]);
      expect(reviewer!.map(brief)).toEqual([["peer", "core/planner", "core/reviewer", "core/planner"]]);
      expect(planner).toEqual([]);
      expect(operator!.map(brief)).toEqual([
        ["handoff", "core/test-runner", "core/kubernetes-operator", "core/kubernetes-operator"],
        ["handoff", "ci-robot", "core/kubernetes-operator", "core/kubernetes-operator"],
      ]);
      expect(operator![1]).toMatchObject({ fromAgentId: null, summary: "nightly images" });
      expect(writer!.map(brief)).toEqual([["peer", "core/reviewer", "core/docs-writer", "core/reviewer"]]);
      expect(communityPlanner!.map(brief)).toEqual([
        ["handoff", "community/scribe", "community/planner", "community/scribe"],
      ]);
      const [handoffsOnly] = await dependentsOf(db.db, [id["core/test-runner"]!], { kinds: ["handoff"] });
      expect(handoffsOnly!.map(brief)).toEqual([
        ["handoff", "core/backend-dev", "core/test-runner", "core/backend-dev"],
      ]);
    });
  });

  describe("graph", () => {
    const refsOf = (ids: number[]) => ids.map(ref);

    it("computes a neighbourhood in one statement whatever the depth", async () => {
      const root = [id["core/planner"]!];
      const [near, nearStatements] = await counted(() =>
        agentGraph(db.db, EVERY_SOURCE, { rootIds: root, depth: 1, direction: "out", nodeBudget: 100 }),
      );
      const [far, farStatements] = await counted(() =>
        agentGraph(db.db, EVERY_SOURCE, { rootIds: root, depth: 3, direction: "out", nodeBudget: 100 }),
      );
      expect([nearStatements, farStatements]).toEqual([1, 1]);
      const byDepthThenId = (refs: string[]) => refs.sort((a, b) => id[a]! - id[b]!);
      expect(near.nodes.map((n) => [ref(n.id), n.depth])).toEqual([
        ["core/planner", 0],
        ...byDepthThenId(["core/api-designer", "core/backend-dev", "core/test-runner", "core/reviewer"]).map(
          (r) => [r, 1],
        ),
      ]);
      expect(near.truncated).toBe(false);
      expect(near.nodeIds).toEqual(near.nodes.map((n) => n.id));
      expect(near.edges.map(brief).sort()).toEqual(
        [
          ["handoff", "core/api-designer", "core/backend-dev", "core/api-designer"],
          ["handoff", "core/backend-dev", "core/test-runner", "core/backend-dev"],
          ["handoff", "core/planner", "core/api-designer", "core/planner"],
          ["handoff", "core/planner", "core/backend-dev", "core/planner"],
          ["mention", "core/planner", "core/test-runner", "core/planner"],
          ["peer", "core/planner", "core/reviewer", "core/planner"],
        ].sort(),
      );
      expect(far.nodes.slice(0, near.nodes.length)).toEqual(near.nodes);
      expect(far.nodes.slice(near.nodes.length).map((n) => [ref(n.id), n.depth])).toEqual(
        byDepthThenId(["core/docs-writer", "core/kubernetes-operator"]).map((r) => [r, 2]),
      );
      expect(far.truncated).toBe(false);
      expect(far.edges).toHaveLength(8);
    });

    it("stops at the node budget and says whether more was reachable", async () => {
      const args = { rootIds: [id["core/planner"]!], depth: 3, direction: "out" as const };
      const cut = await agentGraph(db.db, EVERY_SOURCE, { ...args, nodeBudget: 3 });
      expect(cut.truncated).toBe(true);
      expect(cut.nodes.map((n) => n.depth)).toEqual([0, 1, 1]);
      for (const e of cut.edges) {
        expect(cut.nodeIds).toContain(e.fromAgentId);
        expect(cut.nodeIds).toContain(e.toAgentId);
      }
      const exact = await agentGraph(db.db, EVERY_SOURCE, { ...args, nodeBudget: 7 });
      expect([exact.nodes.length, exact.truncated]).toEqual([7, false]);
      const oneShort = await agentGraph(db.db, EVERY_SOURCE, { ...args, nodeBudget: 6 });
      expect([oneShort.nodes.length, oneShort.truncated]).toEqual([6, true]);
      // The budget is met exactly by a whole level: only looking one level further tells
      // whether more was reachable (within the depth, which is what counts).
      const levelFull = await agentGraph(db.db, EVERY_SOURCE, { ...args, nodeBudget: 5 });
      expect([levelFull.nodes.map((n) => n.depth), levelFull.truncated]).toEqual([[0, 1, 1, 1, 1], true]);
      const depthFull = await agentGraph(db.db, EVERY_SOURCE, { ...args, depth: 1, nodeBudget: 5 });
      expect([depthFull.nodes.length, depthFull.truncated]).toEqual([5, false]);
      const [nothing, statements] = await counted(() =>
        agentGraph(db.db, EVERY_SOURCE, { ...args, nodeBudget: 0 }),
      );
      expect([nothing.nodeIds, nothing.edges, nothing.truncated, statements]).toEqual([[], [], true, 1]);
    });

    it("follows edges inwards, by kind, and ignores deleted roots", async () => {
      const inwards = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["core/kubernetes-operator"]!],
        depth: 10,
        direction: "in",
        nodeBudget: 100,
      });
      const depths = Object.fromEntries(inwards.nodes.map((n) => [ref(n.id), n.depth]));
      expect(depths).toEqual({
        "core/kubernetes-operator": 0,
        "core/test-runner": 1,
        "core/backend-dev": 2,
        "core/planner": 2,
        "core/api-designer": 3,
        "core/reviewer": 3,
        "core/docs-writer": 4,
      });
      const handoffs = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["core/planner"]!],
        depth: 3,
        direction: "out",
        kinds: ["handoff"],
        nodeBudget: 100,
      });
      expect(Object.fromEntries(handoffs.nodes.map((n) => [ref(n.id), n.depth]))).toEqual({
        "core/planner": 0,
        "core/api-designer": 1,
        "core/backend-dev": 1,
        "core/test-runner": 2,
        "core/kubernetes-operator": 3,
      });
      expect(handoffs.edges.every((e) => e.kind === "handoff")).toBe(true);
      expect(handoffs.edges).toHaveLength(5);
      const both = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["community/scribe"]!],
        depth: 2,
        nodeBudget: 10,
      });
      expect(refsOf(both.nodeIds)).toEqual(["community/scribe", "community/planner"]);
      const gone = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["core/legacy-bot"]!],
        depth: 2,
        nodeBudget: 10,
      });
      expect(gone).toEqual({
        nodeIds: [],
        nodes: [],
        edges: [],
        truncated: false,
        hiddenNeighbours: [],
        openEnds: [],
        openEdges: [],
      });
    });

    it("finds a shortest path in one statement, walking edges either way", async () => {
      const [path, statements] = await counted(() =>
        collaborationPath(db.db, EVERY_SOURCE, id["core/docs-writer"]!, id["core/kubernetes-operator"]!, {
          maxDepth: 6,
        }),
      );
      expect(statements).toBe(1);
      expect(refsOf(path!.agentIds)).toEqual([
        "core/docs-writer",
        "core/reviewer",
        "core/planner",
        "core/test-runner",
        "core/kubernetes-operator",
      ]);
      expect(
        path!.steps.map((s) => [s.edge.kind, s.direction, ref(s.fromAgentId), ref(s.toAgentId)]),
      ).toEqual([
        ["peer", "backward", "core/docs-writer", "core/reviewer"],
        ["peer", "backward", "core/reviewer", "core/planner"],
        ["mention", "forward", "core/planner", "core/test-runner"],
        ["handoff", "forward", "core/test-runner", "core/kubernetes-operator"],
      ]);
      expect(path!.steps[3]!.edge).toMatchObject({
        fromName: "test-runner",
        toName: "kubernetes-operator",
        summary: "green builds",
        statedBy: id["core/kubernetes-operator"],
      });

      const withoutMentions = await collaborationPath(
        db.db,
        EVERY_SOURCE,
        id["core/docs-writer"]!,
        id["core/kubernetes-operator"]!,
        { maxDepth: 6, kinds: ["handoff", "peer"] },
      );
      expect(refsOf(withoutMentions!.agentIds)).toEqual([
        "core/docs-writer",
        "core/reviewer",
        "core/planner",
        "core/backend-dev",
        "core/test-runner",
        "core/kubernetes-operator",
      ]);
      const directed = await collaborationPath(
        db.db,
        EVERY_SOURCE,
        id["core/planner"]!,
        id["core/kubernetes-operator"]!,
        {
          maxDepth: 6,
          directed: true,
        },
      );
      expect(directed!.steps.map((s) => s.direction)).toEqual(["forward", "forward"]);
      expect(refsOf(directed!.agentIds)).toEqual([
        "core/planner",
        "core/test-runner",
        "core/kubernetes-operator",
      ]);
    });

    it("returns null when there is no path within the depth, and an empty path to oneself", async () => {
      const [none, statements] = await counted(() =>
        collaborationPath(db.db, EVERY_SOURCE, id["core/planner"]!, id["community/lone-wolf"]!, {
          maxDepth: 10,
        }),
      );
      expect([none, statements]).toEqual([null, 1]);
      expect(
        await collaborationPath(
          db.db,
          EVERY_SOURCE,
          id["core/docs-writer"]!,
          id["core/kubernetes-operator"]!,
          {
            maxDepth: 3,
          },
        ),
      ).toBeNull();
      expect(
        await collaborationPath(db.db, EVERY_SOURCE, id["core/kubernetes-operator"]!, id["core/planner"]!, {
          maxDepth: 6,
          directed: true,
        }),
      ).toBeNull();
      expect(
        await collaborationPath(db.db, EVERY_SOURCE, id["core/planner"]!, id["core/legacy-bot"]!, {
          maxDepth: 6,
        }),
      ).toBeNull();
      expect(
        await collaborationPath(db.db, EVERY_SOURCE, id["core/planner"]!, id["core/planner"]!, {
          maxDepth: 3,
        }),
      ).toEqual({
        agentIds: [id["core/planner"]],
        steps: [],
      });
    });
  });

  describe("unresolved references, variants, revisions", () => {
    it("pages through unresolved references with the agent they belong to", async () => {
      const seen: unknown[] = [];
      let after: string | null = null;
      for (let pageNumber = 0; ; pageNumber++) {
        const [page, statements] = await counted(() =>
          unresolvedReferences(db.db, EVERY_SOURCE, { first: 2, after }),
        );
        expect(statements).toBe(1);
        expect(page.totalCount).toBe(5);
        seen.push(
          ...page.nodes.map((n) => [n.agentRef, n.kind, n.name, n.candidates, n.evidence?.line ?? null]),
        );
        if (!page.hasNextPage) {
          expect(pageNumber).toBe(2);
          break;
        }
        after = page.endCursor;
      }
      const byAgent = (a: unknown, b: unknown) => id[(a as string[])[0]!]! - id[(b as string[])[0]!]! || 0;
      expect(seen).toEqual(
        [
          ["core/planner", "collaborator", "ghost-writer", [], lineOf(plannerV2, "ghost-writer")],
          ["core/planner", "command", "/ops:status", [], lineOf(plannerV2, "/ops:status")],
          ["core/planner", "skill", "sprint-review", [], null],
          ["core/api-designer", "collaborator", "helper", ["core/ops-helper", "core/payments-helper"], 12],
          ["core/kubernetes-operator", "collaborator", "ci-robot", [], 11],
        ].sort(byAgent),
      );
      const first = await unresolvedReferences(db.db, EVERY_SOURCE, { first: 1, source: "core" });
      expect(first.nodes[0]).toEqual({
        agentId: expect.any(Number),
        agentRef: expect.any(String),
        source: "core",
        sourceId: expect.any(Number),
        kind: expect.any(String),
        name: expect.any(String),
        candidates: expect.any(Array),
        evidence: expect.anything(),
        // The last node's cursor is the page's end cursor.
        cursor: first.endCursor,
      });
      const community = await unresolvedReferences(db.db, EVERY_SOURCE, { first: 10, source: "community" });
      expect([community.nodes, community.totalCount, community.endCursor]).toEqual([[], 0, null]);
      await expect(
        unresolvedReferences(db.db, EVERY_SOURCE, { first: 1, after: first.endCursor!.slice(2) }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("lists variants: agents of the same name in other sources", async () => {
      const ids = [
        id["core/planner"]!,
        id["community/planner"]!,
        id["core/test-runner"]!,
        id["core/legacy-bot"]!,
      ];
      const [[core, community, runner, deleted], statements] = await counted(() =>
        variantsOf(db.db, EVERY_SOURCE, ids),
      );
      expect(statements).toBe(1);
      expect(names(core!)).toEqual(["community/planner"]);
      expect(names(community!)).toEqual(["core/planner"]);
      expect(core![0]).toEqual(await getAgentByRef(db.db, EVERY_SOURCE, "community/planner"));
      expect([runner, deleted]).toEqual([[], []]);
    });

    it("lists an agent's revisions, newest first", async () => {
      const [[planner, runner], statements] = await counted(() =>
        revisionsOf(db.db, [id["core/planner"]!, id["core/test-runner"]!]),
      );
      expect(statements).toBe(1);
      expect(planner!.map((r) => [r.number, r.current, r.contentHash])).toEqual([
        [2, true, await sha256(plannerV2)],
        [1, false, await sha256(plannerV1)],
      ]);
      expect(planner![0]!.id).toBe((await getAgentByRef(db.db, EVERY_SOURCE, "core/planner"))!.revisionId);
      expect(planner![0]!.createdAt.getTime()).toBeGreaterThanOrEqual(planner![1]!.createdAt.getTime());
      expect(runner!.map((r) => r.number)).toEqual([1]);
    });

    it("diffs two revisions by parsing them again", async () => {
      const [history] = await revisionsOf(db.db, [id["core/planner"]!]);
      const [newer, older] = history!;
      const [diff, statements] = await counted(() => revisionDiff(db.db, older!.id, newer!.id));
      expect(statements).toBe(1);
      expect(diff).toEqual({
        from: { revisionId: older!.id, fileId: older!.fileId, number: 1 },
        to: { revisionId: newer!.id, fileId: newer!.fileId, number: 2 },
        name: null,
        model: { from: { raw: "opus", family: "opus" }, to: { raw: "sonnet", family: "sonnet" } },
        descriptionChanged: false,
        color: { from: "blue", to: "purple" },
        toolsMode: null,
        tools: {
          added: [{ name: "Edit", tier: "optional" }],
          removed: [{ name: "WebFetch", tier: "optional" }],
          changed: [{ name: "Grep", from: "essential", to: "optional" }],
        },
        skills: { added: ["sprint-review"], removed: ["audit-trail"] },
        collaborations: {
          added: [{ kind: "handoff", from: "planner", to: "backend-dev", summary: "task breakdown" }],
          removed: [{ kind: "handoff", from: "planner", to: "docs-writer", summary: "feature briefs" }],
        },
        examples: {
          added: [
            {
              context: null,
              user: "What should we build this quarter?",
              assistant: "Let me ask the planner",
              commentary: null,
              text: 'user: "What should we build this quarter?"\nassistant: "Let me ask the planner"',
            },
          ],
          removed: [
            {
              context: null,
              user: "What should we build next?",
              assistant: "Let me ask the planner",
              commentary: null,
              text: 'user: "What should we build next?"\nassistant: "Let me ask the planner"',
            },
          ],
        },
        commands: { added: ["/ops:status"], removed: ["/ops:rollback"] },
        bodyChanged: true,
      });
      const same = await revisionDiff(db.db, newer!.id, newer!.id);
      expect([same.model, same.color, same.tools, same.collaborations, same.bodyChanged]).toEqual([
        null,
        null,
        { added: [], removed: [], changed: [] },
        { added: [], removed: [] },
        false,
      ]);
      // Any two revisions compare: here an agent and its variant in another source.
      const variant = (await getAgentByRef(db.db, EVERY_SOURCE, "community/planner"))!;
      const across = await revisionDiff(db.db, newer!.id, variant.revisionId);
      expect([
        across.name,
        across.model,
        across.tools.removed.length,
        across.collaborations.removed.length,
      ]).toEqual([null, null, 4, 4]);
      await expect(revisionDiff(db.db, older!.id, 999_999)).rejects.toBeInstanceOf(NotFoundError);
      await expect(revisionDiff(db.db, 999_999, older!.id)).rejects.toMatchObject({
        entity: "revision",
        id: 999_999,
      });
    });
  });
});
