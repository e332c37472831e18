// Name conflicts in the API: two or more files of one source declaring the same name (an
// upstream copy-paste mistake). Every one of them is stored and exported as it is; the one
// whose path sorts first in byte order answers the name, so `agent(ref:)` is stable across
// imports and machines (docs/decisions/0018-name-conflicts-stored.md). `Agent.conflicts` gives
// an agent's rivals (one statement per request through its own dataloader), and the root
// `nameConflicts` lists the groups, paged: a source generated or merged by a tool can hold
// thousands of them, and every list of the API that grows with a catalog is a connection.
import DataLoader from "dataloader";
import {
  type AgentSummary,
  type ConflictKind,
  conflictsOf,
  type NameConflictGroup,
  nameConflictGroups,
} from "../catalog/reads/index.js";
import { AgentRef, loadAgent } from "./agent.js";
import { builder } from "./builder.js";
import { asInput, connectionOf, pageArgs } from "./connections.js";
import type { GraphQLContext } from "./context.js";
import { COST, pageCost } from "./costs.js";
import { SourceRef } from "./source.js";

const conflictLoaders = new WeakMap<GraphQLContext, DataLoader<number, AgentSummary[]>>();

/** The request's loader of agents' rivals: one statement for every agent asked in one tick. */
function conflictsLoader(ctx: GraphQLContext): DataLoader<number, AgentSummary[]> {
  let loader = conflictLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<number, AgentSummary[]>(async (ids) => {
      const groups = await conflictsOf(ctx.db, ids);
      // The rivals are whole agents: fields below them need not read them again.
      const agents = AgentRef.getDataloader(ctx);
      for (const g of groups) for (const a of g) agents.prime(a.id, a);
      return groups;
    });
    conflictLoaders.set(ctx, loader);
  }
  return loader;
}

builder.objectField(AgentRef, "conflicts", (t) =>
  t.field({
    type: [AgentRef],
    description:
      "Other agents of the same source whose files declare this agent's name (a name conflict: names should be unique in a source), in path order (byte order). Empty when the name is this agent's alone. Of all the files of a conflict, the one whose path sorts first answers `agent(ref:)`; each file keeps its own `path`, `markdown` and history.",
    resolve: (a, _args, ctx) => conflictsLoader(ctx).load(a.id),
  }),
);

const NameConflictKindEnum = builder.enumType("NameConflictKind", {
  description: "What kind of definition the conflicting files declare.",
  values: {
    AGENT: { value: "agent", description: "Agent files: names are unique per source." },
    SKILL: { value: "skill", description: "Skill files (`SKILL.md`): names are unique per source." },
    COMMAND: {
      value: "command",
      description: "Slash command files: names are unique per plugin namespace of a source.",
    },
  } as const,
});

const NameConflictRef = builder.objectRef<NameConflictGroup>("NameConflict").implement({
  description:
    "A name that two or more files of one source declare. All the files are stored and exported unchanged; the one whose path sorts first (byte order) answers the name, the others are reachable by their own ids and through `Agent.conflicts`. Rename all but one of them to resolve it.",
  fields: (t) => ({
    kind: t.field({
      type: NameConflictKindEnum,
      description: "Whether the files are agents, skills or commands.",
      resolve: (g) => g.kind as ConflictKind,
    }),
    source: t.field({
      type: SourceRef,
      description: "The source whose files declare the name.",
      resolve: (g, _args, ctx) => SourceRef.getDataloader(ctx).load(g.sourceId),
    }),
    namespace: t.exposeString("namespace", {
      description:
        "For commands, the plugin namespace the name is declared in (commands are unique per plugin; empty outside plugins). Empty for agents and skills.",
    }),
    name: t.exposeString("name", { description: "The name the files declare (kebab-case, as stored)." }),
    paths: t.exposeStringList("paths", {
      description: "The paths of the files that declare the name, in byte order: the first one answers it.",
    }),
    answeredBy: t.string({
      description:
        "The path of the file that answers the name (the first of `paths`): `agent(ref:)`, references by name and federation resolve to it, stably across imports and machines.",
      resolve: (g) => g.paths[0] ?? "",
    }),
    agents: t.field({
      type: [AgentRef],
      description: "For agent conflicts, the agents in the order of `paths`; empty for skills and commands.",
      resolve: (g, _args, ctx) => Promise.all(g.agentIds.map((id) => loadAgent(ctx, id))),
    }),
  }),
});

builder.queryField("nameConflicts", (t) =>
  t.connection(
    {
      type: NameConflictRef,
      description:
        "Names that two or more files of a source declare (agents and skills per source, commands per plugin namespace), ordered by source, kind, namespace and name, in pages. Every file of a conflict is stored; the one whose path sorts first answers the name.",
      args: {
        source: t.arg.string({
          required: false,
          description: "Only this source's conflicts (its name). Every source's when absent.",
        }),
      },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.nameConflictsPage, args.first),
      resolve: async (_root, args, ctx) =>
        connectionOf(
          await asInput(() =>
            nameConflictGroups(ctx.db, ctx.view, {
              ...(args.source !== undefined && args.source !== null ? { source: args.source } : {}),
              first: args.first ?? 20,
              after: args.after ?? null,
            }),
          ),
        ),
    },
    {
      name: "NameConflictConnection",
      description: "A page of name conflicts.",
      fields: (c) => ({
        totalCount: c.int({
          description: "How many name conflicts there are in all (in the source, when one is given).",
          resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
    { name: "NameConflictEdge", description: "A name conflict and its cursor." },
  ),
);
