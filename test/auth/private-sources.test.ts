// Private sources (issue 16 point 3): every operation against five callers (anonymous,
// a `read` key, a key that publishes to another source, a key that publishes to the private
// source, an admin) with the exact outcome of each cell; a leak test that searches every read
// path's answer for the one word only the private source holds; the graph and response caches
// partitioned by what the caller may see; a visibility change that no cached read survives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { GraphCache } from "../../src/cache/graph-cache.js";
import { MemoryStore } from "../../src/cache/memory.js";
import { importFiles } from "../../src/catalog/import.js";
import { type App, createApp } from "../../src/server/app.js";
import { jitPlugin } from "../../src/server/jit.js";
import {
  harborFiles,
  PRIVATE_SOURCE,
  PUBLIC_SOURCE,
  vaultFiles,
} from "../fixtures/private-sources/catalog.js";
import { captureLogger, gql } from "../support/app.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

type CallerName = "anonymous" | "read" | "publishOther" | "publishThis" | "admin";
const CALLERS: CallerName[] = ["anonymous", "read", "publishOther", "publishThis", "admin"];
/** Who may see the private source. */
const SEES: Record<CallerName, boolean> = {
  anonymous: false,
  read: false,
  publishOther: false,
  publishThis: true,
  admin: true,
};
const SECRET = /quartz/i;

describe.each(await engineCases())("private sources on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  let cache: GraphCache;
  const headers: Record<CallerName, Record<string, string>> = {
    anonymous: {},
    read: {},
    publishOther: {},
    publishThis: {},
    admin: {},
  };
  let vaultAgentId = "";

  const as = (caller: CallerName, query: string, variables: Record<string, unknown> = {}) =>
    gql<any>(app, query, variables, headers[caller]);

  beforeAll(async () => {
    t = await open();
    await importFiles(t.database, harborFiles, { source: PUBLIC_SOURCE });
    await importFiles(t.database, vaultFiles, { source: PRIVATE_SOURCE });
    const key = async (name: string, scopes: string[]) =>
      `Bearer ${(await createKey(t.database.db, { name, scopes: scopes as never })).token}`;
    headers.read.authorization = await key("reader", ["read"]);
    headers.publishOther.authorization = await key("harbor-ci", [`publish:${PUBLIC_SOURCE}`]);
    headers.publishThis.authorization = await key("vault-ci", [`publish:${PRIVATE_SOURCE}`]);
    headers.admin.authorization = await key("root", ["admin"]);
    cache = new GraphCache(new MemoryStore(16 * 1024 * 1024), 300, `test-${Date.now()}`);
    app = createApp({
      database: t.database,
      logger: captureLogger(),
      plugins: [jitPlugin()],
      rateLimit: false,
      graphCache: cache,
    });
    const made = await as(
      "admin",
      `mutation { setSourceVisibility(source: "${PRIVATE_SOURCE}", visibility: PRIVATE) {
         ... on SourceVisibilityChange { visibility changed generation } } }`,
    );
    expect(made.body.data.setSourceVisibility).toMatchObject({ visibility: "PRIVATE", changed: true });
    const admin = await as(
      "admin",
      `{ agent(ref: "${PRIVATE_SOURCE}/quartz-auditor") { ... on Agent { id } } }`,
    );
    vaultAgentId = admin.body.data.agent.id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  // Each read path, and what it answers for a caller who sees the private source and one who
  // does not. Every query is also run by the leak test.
  const READS: { name: string; query: () => string; sees: unknown; hidden: unknown }[] = [
    {
      name: "agent",
      query: () => `{ agent(ref: "${PRIVATE_SOURCE}/quartz-keeper") { __typename ... on Agent { name } } }`,
      sees: { agent: { __typename: "Agent", name: "quartz-keeper" } },
      hidden: { agent: { __typename: "AgentryNotFoundError" } },
    },
    {
      name: "agents and totalCount",
      query: () => `{ agents(first: 20) { totalCount nodes { ref } } }`,
      sees: {
        agents: {
          totalCount: 7,
          nodes: [
            { ref: `${PUBLIC_SOURCE}/berth-scheduler` },
            { ref: `${PUBLIC_SOURCE}/cargo-inspector` },
            { ref: `${PRIVATE_SOURCE}/cargo-inspector` },
            { ref: `${PUBLIC_SOURCE}/dock-planner` },
            { ref: `${PRIVATE_SOURCE}/quartz-auditor` },
            { ref: `${PRIVATE_SOURCE}/quartz-keeper` },
            { ref: `${PRIVATE_SOURCE}/quartz-keeper` },
          ],
        },
      },
      hidden: {
        agents: {
          totalCount: 3,
          nodes: [
            { ref: `${PUBLIC_SOURCE}/berth-scheduler` },
            { ref: `${PUBLIC_SOURCE}/cargo-inspector` },
            { ref: `${PUBLIC_SOURCE}/dock-planner` },
          ],
        },
      },
    },
    {
      name: "search",
      query: () => `{ agents(first: 5, filter: { text: "quartzledger" }) { totalCount nodes { name } } }`,
      sees: { agents: { totalCount: 3, nodes: expect.arrayContaining([{ name: "quartz-auditor" }]) } },
      hidden: { agents: { totalCount: 0, nodes: [] } },
    },
    {
      name: "agentGraph",
      query: () =>
        `{ agentGraph(roots: ["${PRIVATE_SOURCE}/quartz-auditor"], depth: 1) { __typename ... on AgentGraph { nodes { agent { name } } } } }`,
      sees: {
        agentGraph: {
          __typename: "AgentGraph",
          // Both files that declare quartz-keeper: the name means the copy (its path sorts
          // first), which the peer entry reaches; the other states the handoff.
          nodes: [
            { agent: { name: "quartz-auditor" } },
            { agent: { name: "quartz-keeper" } },
            { agent: { name: "quartz-keeper" } },
          ],
        },
      },
      hidden: { agentGraph: { __typename: "AgentryNotFoundError" } },
    },
    {
      name: "agentGraph from a public agent that names a private one",
      query: () =>
        `{ agentGraph(roots: ["${PUBLIC_SOURCE}/dock-planner"], depth: 2) { ... on AgentGraph { nodes { agent { ref } } } } }`,
      sees: {
        agentGraph: {
          nodes: [
            { agent: { ref: `${PUBLIC_SOURCE}/dock-planner` } },
            { agent: { ref: `${PUBLIC_SOURCE}/berth-scheduler` } },
          ],
        },
      },
      hidden: {
        agentGraph: {
          nodes: [
            { agent: { ref: `${PUBLIC_SOURCE}/dock-planner` } },
            { agent: { ref: `${PUBLIC_SOURCE}/berth-scheduler` } },
          ],
        },
      },
    },
    {
      name: "collaborationPath",
      query: () =>
        `{ collaborationPath(from: "${PRIVATE_SOURCE}/quartz-keeper", to: "${PRIVATE_SOURCE}/quartz-auditor") { __typename ... on CollaborationPath { length } } }`,
      sees: { collaborationPath: { __typename: "CollaborationPath", length: 1 } },
      hidden: { collaborationPath: { __typename: "AgentryNotFoundError" } },
    },
    {
      name: "variants",
      query: () => `{ agent(ref: "${PUBLIC_SOURCE}/cargo-inspector") { ... on Agent { variants { ref } } } }`,
      sees: { agent: { variants: [{ ref: `${PRIVATE_SOURCE}/cargo-inspector` }] } },
      hidden: { agent: { variants: [] } },
    },
    {
      name: "unresolvedReferences",
      query: () => `{ unresolvedReferences(first: 10) { totalCount nodes { name agent { ref } } } }`,
      sees: {
        unresolvedReferences: {
          totalCount: 2,
          nodes: [
            { name: "quartz-auditor", agent: { ref: `${PUBLIC_SOURCE}/dock-planner` } },
            { name: "quartz-ghost", agent: { ref: `${PRIVATE_SOURCE}/quartz-keeper` } },
          ],
        },
      },
      hidden: {
        unresolvedReferences: {
          totalCount: 1,
          nodes: [{ name: "quartz-auditor", agent: { ref: `${PUBLIC_SOURCE}/dock-planner` } }],
        },
      },
    },
    {
      name: "nameConflicts",
      query: () => `{ nameConflicts(first: 10) { totalCount nodes { name } } }`,
      sees: { nameConflicts: { totalCount: 1, nodes: [{ name: "quartz-keeper" }] } },
      hidden: { nameConflicts: { totalCount: 0, nodes: [] } },
    },
    {
      name: "node",
      query: () => `{ node(id: "${vaultAgentId}") { __typename } }`,
      sees: { node: { __typename: "Agent" } },
      hidden: { node: null },
    },
    {
      name: "_entities",
      query: () =>
        `{ _entities(representations: [{ __typename: "Agent", ref: "${PRIVATE_SOURCE}/quartz-keeper" }, { __typename: "Skill", ref: "${PRIVATE_SOURCE}/quartz-rules" }, { __typename: "AgentryTool", name: "mcp__quartzdb__query" }, { __typename: "AgentrySource", name: "${PRIVATE_SOURCE}" }]) { __typename } }`,
      sees: {
        _entities: [
          { __typename: "Agent" },
          { __typename: "Skill" },
          { __typename: "AgentryTool" },
          { __typename: "AgentrySource" },
        ],
      },
      // What a ref that names nothing gets (a placeholder for an agent or a source, which a
      // gateway needs; null for the rest): see "answers _entities for a hidden ref as for none".
      hidden: {
        _entities: [{ __typename: "Agent" }, null, null, { __typename: "AgentrySource" }],
      },
    },
    {
      name: "skills",
      query: () => `{ skills(first: 10) { totalCount nodes { name } } }`,
      sees: { skills: { totalCount: 2, nodes: [{ name: "quartz-rules" }, { name: "route-mapping" }] } },
      hidden: { skills: { totalCount: 1, nodes: [{ name: "route-mapping" }] } },
    },
    {
      name: "commands",
      query: () => `{ commands(first: 10) { totalCount nodes { name } } }`,
      sees: { commands: { totalCount: 1, nodes: [{ name: "quartz-seal" }] } },
      hidden: { commands: { totalCount: 0, nodes: [] } },
    },
    {
      name: "tools",
      query: () => `{ tools(first: 10) { totalCount nodes { name agentCount } } }`,
      sees: {
        tools: {
          totalCount: 3,
          nodes: [
            { name: "Grep", agentCount: 1 },
            { name: "Read", agentCount: 3 },
            { name: "mcp__quartzdb__query", agentCount: 1 },
          ],
        },
      },
      hidden: {
        tools: {
          totalCount: 2,
          nodes: [
            { name: "Grep", agentCount: 1 },
            { name: "Read", agentCount: 2 },
          ],
        },
      },
    },
    {
      name: "sources",
      query: () => `{ sources(first: 10) { totalCount nodes { name visibility agentCount } } }`,
      sees: {
        sources: {
          totalCount: 2,
          nodes: [
            { name: PUBLIC_SOURCE, visibility: "PUBLIC", agentCount: 3 },
            { name: PRIVATE_SOURCE, visibility: "PRIVATE", agentCount: 4 },
          ],
        },
      },
      hidden: {
        sources: { totalCount: 1, nodes: [{ name: PUBLIC_SOURCE, visibility: "PUBLIC", agentCount: 3 }] },
      },
    },
  ];

  describe.each(CALLERS)("as %s", (caller) => {
    it.each(READS)("$name", async (read) => {
      const r = await as(caller, read.query());
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data).toEqual(SEES[caller] ? read.sees : read.hidden);
    });
  });

  it("leaks nothing of the private source to callers who may not read it, through any read path", async () => {
    // Every read above, plus whole agents with every list field, and a graph walked from every
    // public agent at the deepest depth.
    const extra = [
      `{ agents(first: 50) { nodes { ref description markdown tools { name } skills { name } commands { name }
           collaborators { kind to { __typename ... on Agent { ref } ... on UnresolvedAgent { name candidates } } }
           dependents { kind from { __typename ... on Agent { ref } } } variants { ref } revisions { contentHash } } } }`,
      `{ agentGraph(roots: ["${PUBLIC_SOURCE}/dock-planner", "${PUBLIC_SOURCE}/berth-scheduler", "${PUBLIC_SOURCE}/cargo-inspector"], depth: 3) {
           ... on AgentGraph { nodes { agent { ref } } edges { from { ... on Agent { ref } } to { ... on Agent { ref } } } } } }`,
      `{ agents(first: 10, filter: { source: "${PRIVATE_SOURCE}" }) { totalCount } }`,
      `{ agents(first: 10, filter: { tool: "mcp__quartzdb__query" }) { totalCount } }`,
    ];
    for (const caller of CALLERS.filter((c) => !SEES[c])) {
      for (const query of [...READS.map((r) => r.query()), ...extra]) {
        const r = await as(caller, query);
        expect(r.body.errors, query).toBeUndefined();
        // The one private word a public file says: harbor names quartz-auditor (unresolved).
        const text = JSON.stringify(r.body.data).replaceAll("quartz-auditor", "");
        expect(text, `${caller}: ${query}`).not.toMatch(SECRET);
      }
    }
  });

  it("answers _entities for a hidden ref exactly as for a ref that names nothing", async () => {
    const entities = (agent: string, source: string) =>
      `{ _entities(representations: [{ __typename: "Agent", ref: "${agent}" }, { __typename: "AgentrySource", name: "${source}" }]) {
           ... on Agent { name description model { raw } tools { name } collaborators { kind } revisions { contentHash } }
           ... on AgentrySource { agentCount generation visibility } } }`;
    const none = await as("admin", entities(`nowhere/quartz-keeper`, "nowhere"));
    for (const caller of CALLERS.filter((c) => !SEES[c])) {
      const hidden = await as(caller, entities(`${PRIVATE_SOURCE}/quartz-keeper`, PRIVATE_SOURCE));
      expect(hidden.body, caller).toEqual(none.body);
    }
  });

  it("compareWith diffs two variants across sources, and names nothing the caller may not read", async () => {
    const compare = (caller: CallerName) =>
      as(
        caller,
        `{ agent(ref: "${PUBLIC_SOURCE}/cargo-inspector") { ... on Agent { compareWith(ref: "${PRIVATE_SOURCE}/cargo-inspector") {
             __typename ... on AgentRevisionDiff { descriptionChanged bodyChanged } } } } }`,
      );
    for (const caller of CALLERS) {
      const r = await compare(caller);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.agent.compareWith, caller).toEqual(
        SEES[caller]
          ? { __typename: "AgentRevisionDiff", descriptionChanged: true, bodyChanged: true }
          : { __typename: "AgentryNotFoundError" },
      );
    }
    // Public to public: the same agent against itself changes nothing.
    const same = await as(
      "anonymous",
      `{ agent(ref: "${PUBLIC_SOURCE}/dock-planner") { ... on Agent { compareWith(ref: "${PUBLIC_SOURCE}/dock-planner") {
           ... on AgentRevisionDiff { descriptionChanged bodyChanged toolsAdded { name } } } } } }`,
    );
    expect(same.body.data.agent.compareWith).toEqual({
      descriptionChanged: false,
      bodyChanged: false,
      toolsAdded: [],
    });
  });

  it("shows a public agent's reference to a private agent as an unresolved end, with no candidates", async () => {
    for (const caller of CALLERS) {
      const r = await as(
        caller,
        `{ agent(ref: "${PUBLIC_SOURCE}/dock-planner") { ... on Agent { collaborators { to { __typename ... on UnresolvedAgent { name candidates } } } } } }`,
      );
      expect(r.body.data.agent.collaborators).toContainEqual({
        to: { __typename: "UnresolvedAgent", name: "quartz-auditor", candidates: [] },
      });
    }
  });

  it("never serves one view's cached graph or response to another, and no cached read outlives a visibility change", async () => {
    const graph = `{ agentGraph(roots: ["${PUBLIC_SOURCE}/dock-planner"], depth: 1) { ... on AgentGraph { nodes { agent { ref } } } } }`;
    // Cached as the admin first, then asked by the anonymous caller: a separate entry.
    expect((await as("admin", graph)).body.data.agentGraph.nodes).toHaveLength(2);
    const anonymous = await as("anonymous", graph);
    expect(anonymous.body.data.agentGraph.nodes).toHaveLength(2);
    const cachedAgain = await gql<any>(app, graph, {}, headers.anonymous);
    expect(cachedAgain.headers.get("x-agentry-cache")).toBe("graph");
    // The public source made private: the anonymous caller's cached answer is not served.
    const hide = await as(
      "admin",
      `mutation { setSourceVisibility(source: "${PUBLIC_SOURCE}", visibility: PRIVATE) { ... on SourceVisibilityChange { changed } } }`,
    );
    expect(hide.body.data.setSourceVisibility.changed).toBe(true);
    try {
      const after = await as("anonymous", graph);
      expect(after.body.data.agentGraph).toEqual({});
      const root = await as(
        "anonymous",
        `{ agentGraph(roots: ["${PUBLIC_SOURCE}/dock-planner"]) { __typename } }`,
      );
      expect(root.body.data.agentGraph.__typename).toBe("AgentryNotFoundError");
      // The key that publishes to harbor still reads it; the read key does not.
      expect((await as("publishOther", graph)).body.data.agentGraph.nodes).toHaveLength(2);
      expect((await as("read", `{ agents(first: 5) { totalCount } }`)).body.data.agents.totalCount).toBe(0);
    } finally {
      await as(
        "admin",
        `mutation { setSourceVisibility(source: "${PUBLIC_SOURCE}", visibility: PUBLIC) { ... on SourceVisibilityChange { changed } } }`,
      );
    }
    const events = await as(
      "admin",
      `{ auditEvents(first: 3, source: "${PUBLIC_SOURCE}") { nodes { action target actorName } } }`,
    );
    expect(events.body.data.auditEvents.nodes.slice(0, 2)).toEqual([
      { action: "visibility", target: "private -> public", actorName: "root" },
      { action: "visibility", target: "public -> private", actorName: "root" },
    ]);
  });

  it("lets only admins change a visibility, and publishers set their own source's on publish", async () => {
    const set = (caller: CallerName) =>
      as(
        caller,
        `mutation { setSourceVisibility(source: "${PRIVATE_SOURCE}", visibility: PUBLIC) { __typename } }`,
      );
    expect((await set("anonymous")).body.data.setSourceVisibility.__typename).toBe(
      "AgentryUnauthenticatedError",
    );
    for (const caller of ["read", "publishOther", "publishThis"] as const)
      expect((await set(caller)).body.data.setSourceVisibility.__typename, caller).toBe(
        "AgentryForbiddenError",
      );
    // A new source published as private is never visible to others.
    const publish = (caller: CallerName, source: string) =>
      as(
        caller,
        `mutation ($files: [PublishFileInput!]!) { publish(input: { source: "${source}", files: $files, visibility: PRIVATE }) {
           __typename ... on PublishReport { created generation } } }`,
        {
          files: [
            {
              path: "agents/quartz-scout.md",
              content: "---\nname: quartz-scout\ndescription: Scouts.\n---\nBody.\n",
            },
          ],
        },
      );
    expect((await publish("publishOther", PRIVATE_SOURCE)).body.data.publish.__typename).toBe(
      "AgentryForbiddenError",
    );
    const made = await publish("publishThis", PRIVATE_SOURCE);
    expect(made.body.data.publish).toMatchObject({
      __typename: "PublishReport",
      created: ["agents/quartz-scout.md"],
    });
    expect(
      (await as("read", `{ agent(ref: "${PRIVATE_SOURCE}/quartz-scout") { __typename } }`)).body.data.agent
        .__typename,
    ).toBe("AgentryNotFoundError");
    expect(
      (await as("publishThis", `{ agent(ref: "${PRIVATE_SOURCE}/quartz-scout") { __typename } }`)).body.data
        .agent.__typename,
    ).toBe("Agent");
    await as("admin", `mutation { deleteAgent(ref: "${PRIVATE_SOURCE}/quartz-scout") { __typename } }`);
  });
});
