// The catalog's tables. Identity: a source holds files; each Markdown file is one agent, skill
// or command, whose row is unique by (file, name). A name should be unique within its source
// (commands within their plugin namespace), but two files may declare the same one (an upstream
// copy-paste mistake): both are stored, and the one whose path sorts first (byte order) answers
// the name (docs/decisions/0018-name-conflicts-stored.md). A file's every version is a
// revision; the entity rows mirror the current revision, with child rows (tools, skills,
// sections, edges…) replaced on change.
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const id = (name: string) => bigint(name, { mode: "number" });
const created = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updated = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const sources = pgTable(
  "sources",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull().unique(),
    /** Moves on every committed write to this source: cache keys include it. */
    generation: bigint("generation", { mode: "number" }).notNull().default(0),
    /**
     * `public` (anyone with `read`) or `private` (only callers with `read:<name>`, publish:<name>
     * or admin): src/catalog/reads/visibility.ts. Set by publish or `setSourceVisibility`.
     */
    visibility: text("visibility").notNull().default("public"),
    createdAt: created(),
    updatedAt: updated(),
    /**
     * Set by `deleteSource` (soft: every file and entity of the source is deleted at this same
     * instant, so `restoreSource` brings back exactly those); null while the source is live.
     */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [check("sources_visibility", sql`${t.visibility} in ('public', 'private')`)],
);

/** Every file imported into a source, at its path relative to the source root. */
export const files = pgTable(
  "files",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    path: text("path").notNull(),
    kind: text("kind").notNull(), // agent | skill | command | plugin
    namespace: text("namespace").notNull().default(""),
    contentHash: text("content_hash").notNull(),
    currentRevisionId: id("current_revision_id"),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [uniqueIndex("files_source_path").on(t.sourceId, t.path)],
);

/**
 * One version of a file: its exact text. What the reader makes of it is derived by parsing
 * it again (pure and about 0.3 ms a file), so a better reader improves old revisions too.
 */
export const revisions = pgTable(
  "revisions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    fileId: id("file_id")
      .notNull()
      .references(() => files.id),
    number: integer("number").notNull(),
    contentHash: text("content_hash").notNull(),
    content: text("content").notNull(),
    createdAt: created(),
  },
  (t) => [uniqueIndex("revisions_file_number").on(t.fileId, t.number)],
);

export const plugins = pgTable(
  "plugins",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    fileId: id("file_id")
      .notNull()
      .references(() => files.id),
    name: text("name").notNull(),
    version: text("version"),
    description: text("description"),
    manifest: jsonb("manifest").notNull(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("plugins_source_file").on(t.fileId),
    index("plugins_source_name").on(t.sourceId, t.name),
  ],
);

export const agents = pgTable(
  "agents",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    fileId: id("file_id")
      .notNull()
      .references(() => files.id),
    revisionId: id("revision_id").notNull(),
    namespace: text("namespace").notNull().default(""),
    name: text("name").notNull(),
    /** The file name without extension: bodies often mention agents by it. */
    stem: text("stem").notNull(),
    /**
     * The name without hyphens: a body's `tik-tok-strategist` (from "TikTok Strategist") means
     * the catalog's `tiktok-strategist` (src/catalog/resolve.ts). Computed by the database.
     */
    flatName: text("flat_name").generatedAlwaysAs(sql`replace(name, '-', '')`),
    description: text("description"),
    modelRaw: text("model_raw"),
    modelFamily: text("model_family"),
    color: text("color"),
    /** inherit | none | all | list */
    toolsMode: text("tools_mode").notNull(),
    body: text("body").notNull(),
    /**
     * What the reader noticed in the file, as `Agent.diagnostics` answers it: stored at import
     * so that no request parses a file again (one file of 30,000 nested `[` aborted the server
     * when it was parsed per request). Null for rows written before migration 0005 (the
     * resolver parses those, within the reader's bounds, until the next import rewrites them).
     */
    diagnostics: jsonb("diagnostics"),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    // Two files may declare one name (a name conflict, decision 0018): the row is the file's.
    uniqueIndex("agents_file_name").on(t.fileId, t.name),
    index("agents_source_name").on(t.sourceId, t.name),
    index("agents_name").on(t.name),
    index("agents_stem").on(t.sourceId, t.stem),
    index("agents_flat_name").on(t.sourceId, t.flatName),
    // A name's last words, for "architect" meaning the only `…-architect` of a plugin: the
    // reversed name, so that a suffix is a prefix an index range finds (byte order).
    index("agents_name_suffix").on(t.sourceId, t.namespace, sql`reverse(${t.name}) collate "C"`),
    index("agents_model_family").on(t.modelFamily),
  ],
);

/**
 * Each live agent's full-text vector (name A, description B, body C), for the revision it was
 * computed from. Kept apart from `agents` so that an import computes it on a second connection
 * while its next batch is written: to_tsvector is the most expensive step of an import (0.8 ms
 * for a 4.5 KB body, against 0.3 ms for everything else the database does for that agent).
 * See src/catalog/search-index.ts and docs/decisions/0007-import-throughput.md.
 */
export const agentSearch = pgTable(
  "agent_search",
  {
    agentId: id("agent_id")
      .primaryKey()
      .references(() => agents.id, { onDelete: "cascade" }),
    revisionId: id("revision_id").notNull(),
    search: tsvector("search").notNull(),
  },
  (t) => [index("agent_search_search").using("gin", t.search)],
);

export const skills = pgTable(
  "skills",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    fileId: id("file_id")
      .notNull()
      .references(() => files.id),
    revisionId: id("revision_id").notNull(),
    namespace: text("namespace").notNull().default(""),
    name: text("name").notNull(),
    description: text("description"),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("skills_file_name").on(t.fileId, t.name),
    index("skills_source_name").on(t.sourceId, t.name),
  ],
);

export const commands = pgTable(
  "commands",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    fileId: id("file_id")
      .notNull()
      .references(() => files.id),
    revisionId: id("revision_id").notNull(),
    namespace: text("namespace").notNull().default(""),
    name: text("name").notNull(),
    description: text("description"),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("commands_file_name").on(t.fileId, t.name),
    index("commands_source_ns_name").on(t.sourceId, t.namespace, t.name),
  ],
);

/**
 * An agent's declared name as written where the catalog keeps another form: `TikTok
 * Strategist` for `tik-tok-strategist`. A reference that writes the name so resolves to it.
 */
export const agentAliases = pgTable(
  "agent_aliases",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    alias: text("alias").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.alias] }), index("agent_aliases_alias").on(t.alias)],
);

/** Tool names are global: `Read` is the same tool in every source. */
export const tools = pgTable("tools", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  kind: text("kind").notNull(), // builtin | mcp | wildcard | other
  server: text("server"),
});

export const agentTools = pgTable(
  "agent_tools",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    toolId: integer("tool_id")
      .notNull()
      .references(() => tools.id),
    tier: text("tier").notNull(), // essential | optional | specialized | none
    position: smallint("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.toolId] }), index("agent_tools_tool").on(t.toolId)],
);

/** A skill an agent names; `skill_id` is set once a skill of that name exists in the source. */
export const agentSkills = pgTable(
  "agent_skills",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    origin: text("origin").notNull(), // frontmatter | body
    position: smallint("position").notNull(),
    skillId: id("skill_id").references(() => skills.id),
    evidenceLine: integer("evidence_line"),
    evidenceText: text("evidence_text"),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.name] }),
    index("agent_skills_name").on(t.name),
    index("agent_skills_skill").on(t.skillId),
  ],
);

export const agentCommands = pgTable(
  "agent_commands",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    position: smallint("position").notNull(),
    commandId: id("command_id").references(() => commands.id),
    evidenceLine: integer("evidence_line").notNull(),
    evidenceText: text("evidence_text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.name] })],
);

export const examples = pgTable(
  "examples",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    context: text("context"),
    userText: text("user_text"),
    assistantText: text("assistant_text"),
    commentary: text("commentary"),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.position] })],
);

export const sections = pgTable(
  "sections",
  {
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    title: text("title").notNull(),
    key: text("key").notNull(),
    level: smallint("level").notNull(),
    line: integer("line").notNull(),
    endLine: integer("end_line").notNull(),
    // No text column: a section's text is its lines of the agent's body (see catalog reads).
  },
  (t) => [primaryKey({ columns: [t.agentId, t.position] })],
);

/**
 * A collaboration edge stated in `agent_id`'s file. `from_agent_id` / `to_agent_id` are set
 * when the names resolve to agents of the same source; an unresolved side keeps its name, and
 * `candidates` lists the refs an ambiguous name could mean.
 */
export const collaborations = pgTable(
  "collaborations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    agentId: id("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    // No foreign keys but agent_id: the resolver maintains these, and a trigger per key per
    // row was a third of the insert time of an import.
    sourceId: integer("source_id").notNull(),
    kind: text("kind").notNull(), // handoff | peer | mention
    fromName: text("from_name").notNull(),
    toName: text("to_name").notNull(),
    /** A side's name as written where it is not kebab-case ("TikTok Strategist"); else null. */
    fromText: text("from_text"),
    toText: text("to_text"),
    /** "group" for a side that names a group of agents ("All Agents"): never resolved. Else null. */
    fromKind: text("from_kind"),
    toKind: text("to_kind"),
    fromAgentId: id("from_agent_id"),
    toAgentId: id("to_agent_id"),
    candidates: text("candidates").array(),
    summary: text("summary"),
    attributes: jsonb("attributes").notNull().default({}),
    phase: text("phase"),
    section: text("section"),
    evidenceLine: integer("evidence_line").notNull(),
    evidenceText: text("evidence_text").notNull(),
  },
  (t) => [
    index("collaborations_agent").on(t.agentId),
    index("collaborations_from").on(t.fromAgentId, t.kind),
    index("collaborations_to").on(t.toAgentId, t.kind),
    index("collaborations_source_to_name").on(t.sourceId, t.toName),
    index("collaborations_source_from_name").on(t.sourceId, t.fromName),
    // For the resolver's steps after the stems (src/catalog/resolve.ts), which handoffs and
    // peers take and mentions do not: an agent arriving finds the edges written for it.
    index("collaborations_source_to_flat")
      .on(t.sourceId, sql`replace(${t.toName}, '-', '')`)
      .where(sql`kind <> 'mention'`),
    index("collaborations_source_from_flat")
      .on(t.sourceId, sql`replace(${t.fromName}, '-', '')`)
      .where(sql`kind <> 'mention'`),
    index("collaborations_source_to_text").on(t.sourceId, t.toText).where(sql`to_text is not null`),
    index("collaborations_source_from_text").on(t.sourceId, t.fromText).where(sql`from_text is not null`),
  ],
);

/** Every reference that points at nothing yet: edges, skills and commands. */
export const unresolvedReferences = pgView("unresolved_references", {
  sourceId: integer("source_id").notNull(),
  agentId: id("agent_id").notNull(),
  kind: text("kind").notNull(), // collaborator | group | skill | command
  name: text("name").notNull(),
  candidates: text("candidates").array(),
  evidenceLine: integer("evidence_line"),
  evidenceText: text("evidence_text"),
}).as(sql`
  select c.source_id, c.agent_id,
         case when (case when c.to_agent_id is null then c.to_kind else c.from_kind end) = 'group'
              then 'group' else 'collaborator' end as kind,
         -- a group as written ("All Agents"), an agent by the name it is looked up by
         case when c.to_agent_id is null
              then case when c.to_kind = 'group' then coalesce(c.to_text, c.to_name) else c.to_name end
              else case when c.from_kind = 'group' then coalesce(c.from_text, c.from_name) else c.from_name end end as name,
         c.candidates, c.evidence_line, c.evidence_text
    from collaborations c join agents a on a.id = c.agent_id and a.deleted_at is null
   where c.kind <> 'mention' and (c.to_agent_id is null or c.from_agent_id is null)
  union all
  select a.source_id, s.agent_id, 'skill', s.name, null, s.evidence_line, s.evidence_text
    from agent_skills s join agents a on a.id = s.agent_id and a.deleted_at is null
   where s.skill_id is null
  union all
  select a.source_id, m.agent_id, 'command', m.name, null, m.evidence_line, m.evidence_text
    from agent_commands m join agents a on a.id = m.agent_id and a.deleted_at is null
   where m.command_id is null
`);

/**
 * API keys (issue 16 point 2, docs/decisions/0022-api-keys.md). The id is the public part of
 * the token (`agentry_<id>_<secret>`) and the row is found by it; only the SHA-256 of the
 * secret is stored. `source` limits a key to one source (not a foreign key: a key may be made
 * for a source before its first publish). A name is unique among live keys by convention
 * (createKey refuses a duplicate; revoking a name held by two keys asks for the id), not by an
 * index: doctor's list of unique indexes is the catalog's, not the keys'.
 */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** What lists show of the token: `agentry_<id>`, never a character of the secret. */
  prefix: text("prefix").notNull(),
  /** Hex SHA-256 of the secret part. */
  secretHash: text("secret_hash").notNull(),
  scopes: text("scopes").array().notNull(),
  source: text("source"),
  createdAt: created(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/**
 * A publish over the API in several requests (docs/decisions/0024-publish-over-the-api.md):
 * `beginPublish` makes the row, `stagePublishFiles` adds files to it, `commitPublish` imports
 * them in one transaction and deletes the row (its files go with it). Readers never see staged
 * files. A staging not committed by `expires_at` is deleted by the next `beginPublish`.
 */
export const publishStagings = pgTable(
  "publish_stagings",
  {
    /** 128 random bits, hex: the handle the client sends back. */
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    /** The generation the publish expects the source to be at when it commits; null: any. */
    ifGeneration: bigint("if_generation", { mode: "number" }),
    /** Who began it (audit_events' actor): only the same caller may stage into it or commit it. */
    actorKind: text("actor_kind").notNull(),
    actorName: text("actor_name").notNull(),
    actorId: text("actor_id"),
    files: integer("files").notNull().default(0),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    createdAt: created(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("publish_stagings_expires").on(t.expiresAt)],
);

export const publishStagedFiles = pgTable(
  "publish_staged_files",
  {
    stagingId: text("staging_id")
      .notNull()
      .references(() => publishStagings.id, { onDelete: "cascade" }),
    path: text("path").notNull(),
    content: text("content").notNull(),
    bytes: integer("bytes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stagingId, t.path] })],
);

/**
 * Every publish, delete, restore, key and visibility change, written in the transaction of the
 * change itself (issue 16 point 5): a change that rolls back leaves no event, and no change
 * commits without its event. `paths` keeps the first AUDIT_PATHS_CAP (src/catalog/audit.ts)
 * paths; `path_count` counts them all.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** anonymous | key | jwt */
    actorKind: text("actor_kind").notNull(),
    /** The key's name or the JWT's subject. */
    actorName: text("actor_name").notNull(),
    /** The key's id (public), or the JWT's issuer; null for anonymous callers. */
    actorId: text("actor_id"),
    /** publish | delete-agent | restore-agent | delete-source | restore-source | key-create | … */
    action: text("action").notNull(),
    source: text("source"),
    pathCount: integer("path_count").notNull().default(0),
    paths: text("paths").array().notNull().default(sql`'{}'::text[]`),
    /** created, updated, unchanged, deleted, failed, conflicts, restored… as numbers. */
    counts: jsonb("counts").notNull().default({}),
    /** The source's generation after the change. */
    generation: bigint("generation", { mode: "number" }),
    requestId: text("request_id"),
    /** What else the change names: for a key change, the key as `<id> <name>`. */
    target: text("target"),
  },
  (t) => [index("audit_events_source").on(t.source, t.id)],
);
