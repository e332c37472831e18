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
    ref: t.exposeString("ref", { description: "`source/name`." }),
    name: t.exposeString("name"),
    namespace: t.exposeString("namespace"),
    path: t.exposeString("path"),
    description: t.exposeString("description", { nullable: true }),
    source: t.field({
      type: SourceRef,
      resolve: (s, _a, ctx) => SourceRef.getDataloader(ctx).load(s.sourceId),
    }),
    agents: t.field({
      type: [AgentRef],
      description: "Agents of the source that name this skill.",
      resolve: (s, _a, ctx) => Promise.all(s.agentIds.map((id) => loadAgent(ctx, id))),
    }),
  }),
});

export const CommandRef = builder.objectRef<CommandListing>("Command").implement({
  description: "A slash command file (`commands/<name>.md`) of a source.",
  fields: (t) => ({
    name: t.exposeString("name"),
    invocation: t.exposeString("invocation", {
      description: "How it is invoked: `/plugin:name` or `/name`.",
    }),
    namespace: t.exposeString("namespace"),
    path: t.exposeString("path"),
    description: t.exposeString("description", { nullable: true }),
    source: t.field({
      type: SourceRef,
      resolve: (c, _a, ctx) => SourceRef.getDataloader(ctx).load(c.sourceId),
    }),
  }),
});

export const ToolRef = builder.objectRef<ToolSummary>("AgentryTool").implement({
  description: "A tool name, shared by every source: `Read` is the same tool everywhere.",
  fields: (t) => ({
    name: t.exposeString("name"),
    kind: t.field({ type: ToolKindEnum, resolve: (x) => x.kind as "builtin" }),
    server: t.exposeString("server", { nullable: true }),
    agentCount: t.exposeInt("agentCount", { description: "Live agents that list it." }),
  }),
});

const totalCount = {
  fields: (c: { int: (o: { resolve: (conn: unknown) => number }) => unknown }) => ({
    totalCount: c.int({ resolve: (conn) => (conn as { totalCount: number }).totalCount }),
  }),
};

builder.queryField("skills", (t) =>
  t.connection(
    {
      type: SkillRef,
      description: "Skill files, by name.",
      args: { source: t.arg.string({ required: false }) },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.smallPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            listSkills(ctx.db, {
              ...(args.source ? { source: args.source } : {}),
              first: args.first ?? 20,
              after: args.after ?? null,
            }),
          ),
        ),
    },
    { ...totalCount, name: "SkillConnection" } as never,
    { name: "SkillEdge" },
  ),
);

builder.queryField("commands", (t) =>
  t.connection(
    {
      type: CommandRef,
      description: "Slash command files, by name.",
      args: { source: t.arg.string({ required: false }) },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.smallPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            listCommands(ctx.db, {
              ...(args.source ? { source: args.source } : {}),
              first: args.first ?? 20,
              after: args.after ?? null,
            }),
          ),
        ),
    },
    { ...totalCount, name: "CommandConnection" } as never,
    { name: "CommandEdge" },
  ),
);

builder.queryField("tools", (t) =>
  t.connection(
    {
      type: ToolRef,
      description: "Tools that live agents list, by name, with how many list each.",
      validate: pageArgs,
      complexity: (args) => pageCost(COST.toolsPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() => listTools(ctx.db, { first: args.first ?? 20, after: args.after ?? null })),
        ),
    },
    { ...totalCount, name: "AgentryToolConnection" } as never,
    { name: "AgentryToolEdge" },
  ),
);
