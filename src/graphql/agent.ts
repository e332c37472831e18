// Agent: one agent definition, as of its current revision. Every field that reads the database
// goes through a per-request dataloader (loaders.ts), so a page of agents costs one statement
// per field, not one per agent (test/api/field-cost.test.ts walks the schema to hold every
// field to that).
import { z } from "zod";
import { type AgentSummary, getAgentsByIds, getAgentsByRefs, NotFoundError } from "../catalog/reads/index.js";
import { parseDefinition } from "../definitions/index.js";
import { builder } from "./builder.js";
import { CollaborationKindEnum, CollaborationRef, KINDS_DESCRIPTION } from "./collaboration.js";
import type { GraphQLContext } from "./context.js";
import { INTERNAL_TAG } from "./contract-tags.js";
import { COST } from "./costs.js";
import { ERROR_TYPES, invalidInput } from "./errors.js";
import { AgentCommandRef, AgentExampleRef, AgentSectionRef, AgentSkillRef, DiagnosticRef } from "./facts.js";
import { load } from "./loaders.js";
import { selects } from "./lookahead.js";
import { isPlaceholder, placeholderSource } from "./placeholders.js";
import { RevisionDiffRef, RevisionRef } from "./revision.js";
import { SourceRef } from "./source.js";
import { AgentToolRef, ToolTierEnum } from "./tool.js";

export const ModelFamilyEnum = builder.enumType("AgentryModelFamily", {
  description: "The Claude model family an agent's `model` names.",
  values: {
    OPUS: { value: "opus", description: "`opus`, or a full model id such as `claude-opus-4-1`." },
    SONNET: { value: "sonnet", description: "`sonnet`, or a full model id such as `claude-sonnet-4-5`." },
    HAIKU: { value: "haiku", description: "`haiku`, or a full model id such as `claude-3-5-haiku`." },
    INHERIT: {
      value: "inherit",
      description: "`inherit`: the model of the conversation that calls the agent.",
    },
    OTHER: { value: "other", description: "Any other model string, kept as written in `raw`." },
  } as const,
});

export const ToolsModeEnum = builder.enumType("AgentToolsMode", {
  description: "How the agent's tools are given.",
  values: {
    INHERIT: { value: "inherit", description: "No `tools` key: the agent inherits every tool." },
    NONE: { value: "none", description: "`tools: []`: no tools." },
    ALL: { value: "all", description: "`tools: *`: every tool." },
    LIST: { value: "list", description: "An explicit list, possibly in tiers." },
  } as const,
});

const ModelRef = builder.objectRef<{ raw: string; family: string }>("AgentryModel").implement({
  description: "The model the frontmatter's `model` key asks for.",
  fields: (t) => ({
    raw: t.exposeString("raw", { description: "As written, e.g. `claude-sonnet-4-5` or `inherit`." }),
    family: t.field({
      type: ModelFamilyEnum,
      description: "The family `raw` belongs to, for filtering and comparing.",
      resolve: (m) => m.family as "opus",
    }),
  }),
});

export const AgentRef = builder.loadableNodeRef<AgentSummary, number, number>("Agent", {
  id: { resolve: (a) => a.id, parse: (id) => Number(id) },
  load: async (ids, ctx) => {
    const rows = await getAgentsByIds(ctx.db, ctx.view, ids);
    return rows.map((r, i) => r ?? new NotFoundError("agent", ids[i]!));
  },
});

const known = new WeakMap<GraphQLContext, Map<number, AgentSummary>>();

/** Agents a resolver already read in bulk, for fields below it to resolve without a promise. */
export function rememberAgents(ctx: GraphQLContext, agents: readonly (AgentSummary | null)[]): void {
  const map = known.get(ctx) ?? new Map<number, AgentSummary>();
  known.set(ctx, map);
  for (const a of agents) if (a) map.set(a.id, a);
}

/** An agent rememberAgents kept, or undefined (then load it). */
export function knownAgent(ctx: GraphQLContext, id: number): AgentSummary | undefined {
  return known.get(ctx)?.get(id);
}

/** An agent by id through the request's dataloader (one statement per batch). */
export function loadAgent(ctx: GraphQLContext, id: number): Promise<AgentSummary> {
  return AgentRef.getDataloader(ctx).load(id);
}

const ToolsByTierRef = builder.objectRef<{ id: number }>("AgentToolsByTier");
const revisionNumber = z.number().int().min(1);

AgentRef.implement({
  description: "An agent definition: what its file says, as of its current revision.",
  fields: (t) => ({
    ref: t.exposeString("ref", {
      description:
        "`source/name`: stable, and unique across the catalog except in a name conflict (two files of a source declaring one name), where it names the file whose path sorts first: see `conflicts`.",
    }),
    name: t.exposeString("name", {
      description:
        "The frontmatter's `name`, normalized to kebab-case (`TikTok Strategist` is `tiktok-strategist`).",
    }),
    namespace: t.exposeString("namespace", {
      description: "The plugin the file is in; empty outside plugins.",
    }),
    path: t.exposeString("path", { description: "The file's path relative to its source." }),
    description: t.exposeString("description", {
      nullable: true,
      description:
        "The frontmatter's `description`: when Claude Code should use the agent (its `<example>` blocks are in `examples`); null when the file has none.",
    }),
    model: t.field({
      type: ModelRef,
      nullable: true,
      description: "The frontmatter's `model`; null when the file names none.",
      resolve: (a) => a.model,
    }),
    color: t.exposeString("color", {
      nullable: true,
      description: "The frontmatter's `color` (Claude Code's label colour), as written; null when unset.",
    }),
    toolsMode: t.field({
      type: ToolsModeEnum,
      description: "How the file gives the agent its tools: inherited, none, all, or a list.",
      resolve: (a) => a.toolsMode,
    }),
    revision: t.exposeInt("revisionNumber", {
      description: "The number of the current revision (1 for the first).",
    }),
    createdAt: t.field({
      type: "AgentryDateTime",
      description: "When the agent was first imported.",
      resolve: (a) => a.createdAt,
    }),
    updatedAt: t.field({
      type: "AgentryDateTime",
      description: "When an import last changed the agent's file.",
      resolve: (a) => a.updatedAt,
    }),
    source: t.field({
      type: SourceRef,
      description: "The source (folder, repository or marketplace) the agent's file was imported into.",
      resolve: (a, _args, ctx) =>
        isPlaceholder(a) ? placeholderSource(a.source) : SourceRef.getDataloader(ctx).load(a.sourceId),
    }),
    placeholder: t.boolean({
      description:
        "True for a stand-in that a gateway's entity lookup got for a ref that names no live agent (deleted, or never imported): its `ref` is the one asked for, its lists are empty, its other fields null, 0 or the Unix epoch. Always false outside a supergraph.",
      resolve: (a) => isPlaceholder(a),
    }),
    tools: t.field({
      type: [AgentToolRef],
      description: "The tools the agent lists, in order, with their tier; `tier` keeps one tier.",
      args: {
        tier: t.arg({
          type: ToolTierEnum,
          required: false,
          description: "Only the tools of this tier (default: all).",
        }),
      },
      resolve: async (a, args, ctx) => {
        const { tools } = await load.facts(ctx).load(a.id);
        return args.tier ? tools.filter((x) => x.tier === args.tier) : tools;
      },
    }),
    toolsByTier: t.field({
      type: ToolsByTierRef,
      description: "The same tools as `tools`, grouped by tier.",
      resolve: (a) => ({ id: a.id }),
    }),
    skills: t.field({
      type: [AgentSkillRef],
      description:
        "Skills the agent names, in the frontmatter's `skills` or in a section such as Required Skills, resolved against the skills of its source.",
      resolve: async (a, _args, ctx) => (await load.facts(ctx).load(a.id)).skills,
    }),
    commands: t.field({
      type: [AgentCommandRef],
      description: "Slash commands the body names, e.g. `/delivery:release-notes`.",
      resolve: (a, _args, ctx) => load.commands(ctx).load(a.id),
    }),
    sections: t.field({
      tag: INTERNAL_TAG,
      type: [AgentSectionRef],
      description: "The body's Markdown sections, in file order, with their text.",
      complexity: { field: COST.sections, multiplier: 8 },
      resolve: (a, _args, ctx) => load.sections(ctx).load(a.id),
    }),
    examples: t.field({
      type: [AgentExampleRef],
      description: "The `<example>` blocks of the description, structured.",
      resolve: (a, _args, ctx) => load.examples(ctx).load(a.id),
    }),
    collaborators: t.field({
      type: [CollaborationRef],
      description: "Edges this agent starts: handoffs it gives, its peers, agents it mentions.",
      args: {
        kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      },
      resolve: (a, args, ctx, info) => {
        // Read the far ends with the edges, as much of them as the query goes on to select.
        const ends = selects(info, ["to", "from"], ["tools", "skills", "toolsByTier"])
          ? "facts"
          : selects(info, ["to", "from"])
            ? "summary"
            : "none";
        const agents = AgentRef.getDataloader(ctx);
        return load
          .collaborators(ctx, args.kinds, ends, (end) => agents.prime(end.agent.id, end.agent))
          .load(a.id);
      },
    }),
    dependents: t.field({
      type: [CollaborationRef],
      description:
        "Edges that point at this agent: handoffs it receives, peers named by others, mentions of it.",
      args: {
        kinds: t.arg({ type: [CollaborationKindEnum], required: false, description: KINDS_DESCRIPTION }),
      },
      resolve: (a, args, ctx) => load.dependents(ctx, args.kinds).load(a.id),
    }),
    variants: t.field({
      type: [AgentRef],
      description: "Agents with the same name in other sources: compare them with their fields.",
      resolve: (a, _args, ctx) => load.variants(ctx).load(a.id),
    }),
    revisions: t.field({
      type: [RevisionRef],
      description: "The file's versions, newest first.",
      resolve: (a, _args, ctx) => load.revisions(ctx).load(a.id),
    }),
    diff: t.field({
      type: RevisionDiffRef,
      description:
        "What changed between two revisions of this agent, by revision number. Defaults: the previous and the current one.",
      errors: {
        types: ERROR_TYPES,
        union: {
          name: "AgentDiffResult",
          description: "The diff, or why it could not be made (an unknown revision number).",
        },
      },
      complexity: COST.diff,
      args: {
        from: t.arg.int({
          required: false,
          validate: revisionNumber,
          description: "The older revision's number (default: the one before `to`).",
        }),
        to: t.arg.int({
          required: false,
          validate: revisionNumber,
          description: "The newer revision's number (default: the current one).",
        }),
      },
      resolve: async (a, args, ctx) => {
        if (isPlaceholder(a)) throw new NotFoundError("agent", a.ref);
        const revisions = await load.revisions(ctx).load(a.id);
        const to = args.to ?? a.revisionNumber;
        const from = args.from ?? Math.max(1, to - 1);
        const find = (n: number, arg: string) => {
          const r = revisions.find((x) => x.number === n);
          if (!r) throw invalidInput(arg, `${a.ref} has no revision ${n} (it has 1 to ${a.revisionNumber})`);
          return r.id;
        };
        return load.diffs(ctx).load({ from: find(from, "from"), to: find(to, "to") });
      },
    }),
    compareWith: t.field({
      type: RevisionDiffRef,
      description:
        "What differs from this agent's current revision to another agent's (a variant in another source, usually): the same semantic diff as `diff`, model, tools, skills, edges, examples and sections, `from` this agent and `to` the other. For a side-by-side view of two variants.",
      errors: {
        types: ERROR_TYPES,
        union: {
          name: "AgentCompareResult",
          description:
            "The diff, or why it could not be made (`AgentryNotFoundError`: no live agent the caller may read has that ref).",
        },
      },
      complexity: COST.diff,
      args: {
        ref: t.arg.string({
          required: true,
          description: "The other agent's ref, e.g. `community-agents/api-designer`.",
          validate: z
            .string()
            .trim()
            .regex(/^[^/\s]+\/[^/\s]+$/, "a ref is `source/name`, e.g. `acme-platform/api-designer`"),
        }),
      },
      resolve: async (a, args, ctx) => {
        if (isPlaceholder(a)) throw new NotFoundError("agent", a.ref);
        const [other] = await getAgentsByRefs(ctx.db, ctx.view, [args.ref]);
        if (!other) throw new NotFoundError("agent", args.ref);
        return load.diffs(ctx).load({ from: a.revisionId, to: other.revisionId });
      },
    }),
    markdown: t.string({
      tag: INTERNAL_TAG,
      description: "The exact text of the file's current revision.",
      complexity: COST.markdown,
      resolve: async (a, _args, ctx) => (await load.markdown(ctx).load(a.id)) ?? "",
    }),
    diagnostics: t.field({
      tag: INTERNAL_TAG,
      type: [DiagnosticRef],
      description: "What the reader noticed in the file: warnings and notes, with line and column.",
      complexity: { field: COST.diagnostics, multiplier: 10 },
      resolve: async (a, _args, ctx) => {
        // Stored at import: a request never parses a file (one of 30,000 nested `[` aborted
        // the process when every request did). Rows from before migration 0005 are parsed
        // once, within the reader's bounds, until their next import stores them.
        const stored = await load.diagnostics(ctx).load(a.id);
        if (stored !== "unparsed") return stored ?? [];
        const text = (await load.markdown(ctx).load(a.id)) ?? "";
        return parseDefinition(text, { path: a.path, kind: "agent" }).diagnostics;
      },
    }),
  }),
});

ToolsByTierRef.implement({
  description: "The agent's tools grouped by tier.",
  fields: (t) => {
    const tier = (name: "essential" | "optional" | "specialized" | "none") =>
      t.field({
        type: [AgentToolRef],
        description:
          name === "none" ? "Tools listed without a tier." : `Tools listed under the ${name} tier, in order.`,
        resolve: async (p, _args, ctx) =>
          (await load.facts(ctx).load(p.id)).tools.filter((x) => x.tier === name),
      });
    return {
      essential: tier("essential"),
      optional: tier("optional"),
      specialized: tier("specialized"),
      none: tier("none"),
    };
  },
});
