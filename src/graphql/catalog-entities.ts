import type { SkillSummary, ToolSummary } from "../catalog/reads/entities.js";
import { type CommandListing, listCommands, listSkills, listTools } from "../catalog/reads/listings.js";
import { AgentRef, loadAgent } from "./agent.js";
import { builder } from "./builder.js";
import { asInput, connectionOf, pageArgs } from "./connections.js";
import { COST, pageCost } from "./costs.js";
import { SourceRef } from "./source.js";
import { ToolKindEnum } from "./tool.js";

export const SkillRef = builder.objectRef<SkillSummary>("Skill").implement({
  description: "A skill file (`skills/<name>/SKILL.md`) of a source.",
  fields: (t) => ({
    ref: t.exposeString("ref", { description: "`source/name`, e.g. `acme-platform/release-checklist`." }),
    name: t.exposeString("name", {
      description:
        "The name agents use for it (`skills:` or a Required Skills section), e.g. `release-checklist`.",
    }),
    namespace: t.exposeString("namespace", {
      description: "The plugin the skill belongs to, e.g. `delivery`; empty outside plugins.",
    }),
    path: t.exposeString("path", {
      description:
        "The `SKILL.md` file's path relative to its source, e.g. `plugins/delivery/skills/release-checklist/SKILL.md`.",
    }),
    description: t.exposeString("description", {
      nullable: true,
      description: "The `description` of the file's frontmatter; null when it has none.",
    }),
    source: t.field({
      type: SourceRef,
      description: "The source the file belongs to.",
      resolve: (s, _a, ctx) => SourceRef.getDataloader(ctx).load(s.sourceId),
    }),
    agents: t.field({
      type: [AgentRef],
      description: "Live agents of the same source that name this skill, in the order they were imported.",
      resolve: (s, _a, ctx) => Promise.all(s.agentIds.map((id) => loadAgent(ctx, id))),
    }),
  }),
});

export const CommandRef = builder.objectRef<CommandListing>("Command").implement({
  description: "A slash command file (`commands/<name>.md`) of a source.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description: "The command's name, without slash or plugin, e.g. `release-notes`.",
    }),
    invocation: t.exposeString("invocation", {
      description: "How it is invoked: `/plugin:name` or `/name`, e.g. `/delivery:release-notes` or `/ship`.",
    }),
    namespace: t.exposeString("namespace", {
      description: "The plugin the command belongs to, e.g. `delivery`; empty outside plugins.",
    }),
    path: t.exposeString("path", {
      description:
        "The file's path relative to its source, e.g. `plugins/delivery/commands/release-notes.md`.",
    }),
    description: t.exposeString("description", {
      nullable: true,
      description: "The `description` of the file's frontmatter; null when it has none.",
    }),
    source: t.field({
      type: SourceRef,
      description: "The source the file belongs to.",
      resolve: (c, _a, ctx) => SourceRef.getDataloader(ctx).load(c.sourceId),
    }),
  }),
});

export const ToolRef = builder.objectRef<ToolSummary>("AgentryTool").implement({
  description: "A tool name, shared by every source: `Read` is the same tool everywhere.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description:
        "The name exactly as agents write it, e.g. `Read`, `Bash(git diff:*)` or `mcp__github__create_pull_request`: `Bash` and `Bash(git diff:*)` are two tools.",
    }),
    kind: t.field({
      type: ToolKindEnum,
      description: "What kind of name it is.",
      resolve: (x) => x.kind as "builtin",
    }),
    server: t.exposeString("server", {
      nullable: true,
      description: "The server of an `mcp__server__…` name, e.g. `github`; null otherwise.",
    }),
    agentCount: t.exposeInt("agentCount", {
      description:
        "Live agents that list it, in any source and tier (0 for a tool no live agent lists any more).",
    }),
  }),
});

/** A connection's `totalCount` field, described for what it counts. */
const totalCount = (description: string) => ({
  fields: (c: { int: (o: { description: string; resolve: (conn: unknown) => number }) => unknown }) => ({
    totalCount: c.int({ description, resolve: (conn) => (conn as { totalCount: number }).totalCount }),
  }),
});

const SOURCE_ARG =
  "Only those of this source, by its name, e.g. `acme-platform`; a name no source has gives an empty page. At most 128 characters.";

builder.queryField("skills", (t) =>
  t.connection(
    {
      type: SkillRef,
      description: "Skill files of every source (or of one), by name in byte order, then by id, in pages.",
      args: { source: t.arg.string({ required: false, description: SOURCE_ARG }) },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.smallPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            listSkills(ctx.db, ctx.view, {
              ...(args.source ? { source: args.source } : {}),
              first: args.first ?? 20,
              after: args.after ?? null,
            }),
          ),
        ),
    },
    {
      ...totalCount("How many skills match, over all pages."),
      name: "SkillConnection",
      description: "A page of skill files, by name.",
      edgesField: { description: "The page's skills, each with its cursor." },
    } as never,
    {
      name: "SkillEdge",
      description: "A skill of the page and its cursor.",
      nodeField: { description: "The skill." },
    },
  ),
);

builder.queryField("commands", (t) =>
  t.connection(
    {
      type: CommandRef,
      description:
        "Slash command files of every source (or of one), by name in byte order, then by id, in pages. Plugins reuse names: `name` may repeat, `invocation` tells them apart.",
      args: { source: t.arg.string({ required: false, description: SOURCE_ARG }) },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.smallPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            listCommands(ctx.db, ctx.view, {
              ...(args.source ? { source: args.source } : {}),
              first: args.first ?? 20,
              after: args.after ?? null,
            }),
          ),
        ),
    },
    {
      ...totalCount("How many commands match, over all pages."),
      name: "CommandConnection",
      description: "A page of slash command files, by name.",
      edgesField: { description: "The page's commands, each with its cursor." },
    } as never,
    {
      name: "CommandEdge",
      description: "A command of the page and its cursor.",
      nodeField: { description: "The command." },
    },
  ),
);

builder.queryField("tools", (t) =>
  t.connection(
    {
      type: ToolRef,
      description:
        "Tools that live agents list, by name in byte order, with how many list each, in pages. A tool no live agent lists any more is left out.",
      validate: pageArgs,
      complexity: (args) => pageCost(COST.toolsPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            listTools(ctx.db, ctx.view, { first: args.first ?? 20, after: args.after ?? null }),
          ),
        ),
    },
    {
      ...totalCount("How many tools live agents list, over all pages."),
      name: "AgentryToolConnection",
      description: "A page of tools, by name.",
      edgesField: { description: "The page's tools, each with its cursor." },
    } as never,
    {
      name: "AgentryToolEdge",
      description: "A tool of the page and its cursor.",
      nodeField: { description: "The tool." },
    },
  ),
);
