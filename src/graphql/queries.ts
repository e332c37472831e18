// Every root field of Query (but `agentGraph`/`collaborationPath`, in graph.ts, `node`/`nodes`,
// in node.ts, and `sources`, in source.ts) is defined here: arguments are validated with zod,
// limits enforced, and typed errors returned as union members.
import { z } from "zod";
import {
  getAgentByRef,
  listAgents,
  NotFoundError,
  type UnresolvedReference,
  unresolvedReferences,
} from "../catalog/reads/index.js";
import { AgentRef, loadAgent, ModelFamilyEnum } from "./agent.js";
import { builder } from "./builder.js";
import { asInput, connectionOf, pageArgs } from "./connections.js";
import { COST, pageCost } from "./costs.js";
import { ERROR_TYPES } from "./errors.js";
import { EvidenceRef } from "./facts.js";

export const ref = z
  .string()
  .trim()
  .regex(/^[^/\s]+\/[^/\s]+$/, "a ref is `source/name`, e.g. `acme-platform/api-designer`");

builder.queryField("agent", (t) =>
  t.field({
    type: AgentRef,
    description: "One agent by its ref, `source/name`.",
    errors: {
      types: ERROR_TYPES,
      union: {
        name: "AgentResult",
        description:
          "The agent, or why there is none: `AgentryNotFoundError` for a ref that names no live agent, `AgentryInvalidInputError` for a malformed ref.",
      },
    },
    args: {
      ref: t.arg.string({
        required: true,
        description:
          "`source/name`, e.g. `acme-platform/api-designer` (surrounding spaces are ignored). When two files of the source declare the name, the one whose path sorts first answers.",
        validate: ref,
      }),
    },
    resolve: async (_root, args, ctx) => {
      const agent = await getAgentByRef(ctx.db, ctx.view, args.ref);
      if (!agent) throw new NotFoundError("agent", args.ref);
      return agent;
    },
  }),
);

const AgentOrderEnum = builder.enumType("AgentOrder", {
  description: "The order of `agents`' pages.",
  values: {
    NAME: { description: "By name (byte order), then id." },
    UPDATED_AT: { description: "Most recently changed first (then by id, highest first)." },
    RELEVANCE: { description: "Best full-text match first; needs `filter.text`." },
  } as const,
});

const AgentFilterInput = builder.inputType("AgentFilter", {
  description:
    "Which agents `agents` lists: each field given narrows the list (all must hold); an empty filter keeps every live agent.",
  fields: (t) => ({
    source: t.string({
      required: false,
      description: "A source name, e.g. `acme-platform`; a name no source has matches nothing.",
    }),
    namespace: t.string({
      required: false,
      description: "A plugin namespace, e.g. `delivery`; the empty string for agents outside plugins.",
    }),
    modelFamily: t.field({
      type: ModelFamilyEnum,
      required: false,
      description:
        "Agents whose `model` is of this family: `SONNET` matches `sonnet` and `claude-sonnet-4-5`. An agent without a `model` key matches none.",
    }),
    tool: t.string({
      required: false,
      description:
        "Agents that list this tool, in any tier, by its exact name: `Bash` does not match `Bash(git diff:*)`.",
    }),
    skill: t.string({
      required: false,
      description:
        "Agents that name this skill (in the frontmatter or the body), whether the source has it or not, e.g. `release-checklist`.",
    }),
    color: t.string({
      required: false,
      description: "Agents whose frontmatter `color` is exactly this, e.g. `green`.",
    }),
    text: t.string({
      required: false,
      description:
        'Full-text search, web-search syntax ("a phrase", -excluded, or), weighing the name, then the description, then the body. An agent the text names exactly (its name as declared, kebab-case or not, or its ref `source/name`) always matches and ranks first.',
      validate: z.string().max(200, "at most 200 characters"),
    }),
    nameContains: t.string({
      required: false,
      description:
        "Agents whose name holds this text, ignoring case: `api-des` matches `api-designer` and `graphql-api-designer`. Blank text filters nothing; at most 200 characters.",
      validate: z.string().max(200, "at most 200 characters"),
    }),
  }),
});

builder.queryField("agents", (t) =>
  t.connection(
    {
      type: AgentRef,
      description: "Agents matching a filter, in pages.",
      args: {
        filter: t.arg({
          type: AgentFilterInput,
          required: false,
          description: "Which agents to list; omitted, every live agent.",
        }),
        orderBy: t.arg({
          type: AgentOrderEnum,
          required: false,
          defaultValue: "NAME",
          description: "The order of the pages, `NAME` when omitted; `RELEVANCE` needs `filter.text`.",
        }),
      },
      validate: pageArgs,
      complexity: (args) => {
        if (args.filter?.text) {
          const page = pageCost(COST.agentsSearch, args.first);
          return { ...page, field: page.field + COST.agentsSearchRow * page.multiplier };
        }
        return pageCost(args.orderBy === "UPDATED_AT" ? COST.agentsByUpdate : COST.agentsPage, args.first);
      },
      resolve: async (_root, args, ctx) => {
        const filter = Object.fromEntries(
          Object.entries(args.filter ?? {}).filter(([, v]) => v !== null && v !== undefined),
        );
        const page = await asInput(() =>
          listAgents(ctx.db, ctx.view, {
            filter,
            orderBy: args.orderBy ?? "NAME",
            first: args.first ?? 20,
            after: args.after ?? null,
          }),
        );
        return connectionOf(page);
      },
    },
    {
      name: "AgentConnection",
      description: "A page of agents.",
      edgesField: { description: "The page's agents, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "How many agents match the filter, over all pages.",
          resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
    {
      name: "AgentEdge",
      description: "An agent of the page and its cursor.",
      nodeField: { description: "The agent." },
    },
  ),
);

// unresolvedReferences: names that point at nothing yet.

const UnresolvedKindEnum = builder.enumType("UnresolvedKind", {
  description: "What an unresolved reference names.",
  values: {
    COLLABORATOR: {
      value: "collaborator",
      description:
        "An agent a handoff or peer entry names that the source has no agent by, e.g. `compliance-officer`, or an ambiguous name (see `candidates`). A mention in prose is listed only once it resolves, so never here.",
    },
    SKILL: {
      value: "skill",
      description: "A skill the agent names that has no `SKILL.md` in the source, e.g. `threat-modeling`.",
    },
    COMMAND: {
      value: "command",
      description:
        "A slash command the body names that has no command file in the source, e.g. `/ops:rollback`.",
    },
    GROUP: {
      value: "group",
      description:
        "A group of agents named as a collaborator (`All Agents`, `Engineering Team`) rather than one agent. Reserved: such names are listed as `COLLABORATOR` for now.",
    },
  } as const,
});

const UnresolvedReferenceRef = builder.objectRef<UnresolvedReference>("UnresolvedReference").implement({
  description: "A reference in an agent's file that matches nothing in its source (yet).",
  fields: (t) => ({
    kind: t.field({ type: UnresolvedKindEnum, description: "What the name names.", resolve: (u) => u.kind }),
    name: t.exposeString("name", { description: "As written: an agent or skill name, or a command." }),
    candidates: t.exposeStringList("candidates", {
      description: "For an ambiguous name, the refs it could mean.",
    }),
    agent: t.field({
      type: AgentRef,
      description: "The agent whose file holds the reference.",
      resolve: (u, _args, ctx) => loadAgent(ctx, u.agentId),
    }),
    evidence: t.field({
      type: EvidenceRef,
      nullable: true,
      description: "The line that holds the reference; null for a skill of the frontmatter's `skills` list.",
      resolve: (u) => u.evidence,
    }),
  }),
});

builder.queryField("unresolvedReferences", (t) =>
  t.connection(
    {
      type: UnresolvedReferenceRef,
      description:
        "References that point at nothing, in pages: collaborators, skills and commands, by agent (in import order), then kind, name and line.",
      args: {
        source: t.arg.string({
          required: false,
          description:
            "Only references in agents of this source, by its name, e.g. `acme-platform`; a name no source has gives an empty page.",
        }),
      },
      validate: pageArgs,
      complexity: (args) => pageCost(COST.unresolvedPage, args.first),
      resolve: async (_root, args, ctx) => {
        const page = await asInput(() =>
          unresolvedReferences(ctx.db, ctx.view, {
            ...(args.source ? { source: args.source } : {}),
            first: args.first ?? 20,
            after: args.after ?? null,
          }),
        );
        return connectionOf(page);
      },
    },
    {
      name: "UnresolvedReferenceConnection",
      description: "A page of unresolved references.",
      edgesField: { description: "The page's references, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description:
            "How many unresolved references there are (in the source, if one is given), over all pages.",
          resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
    {
      name: "UnresolvedReferenceEdge",
      description: "An unresolved reference of the page and its cursor.",
      nodeField: { description: "The reference." },
    },
  ),
);
