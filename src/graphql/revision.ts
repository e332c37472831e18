// Revisions of an agent's file and the semantic diff between two of them.
import type {
  AgentTool,
  DiffEdge,
  DiffExample,
  DiffTool,
  RevisionDiff,
  RevisionInfo,
} from "../catalog/reads/index.js";
import { builder } from "./builder.js";
import { CollaborationKindEnum } from "./collaboration.js";
import { ToolTierEnum } from "./tool.js";

export const RevisionRef = builder.objectRef<RevisionInfo>("AgentRevision").implement({
  description:
    "One version of an agent's file: a new one is stored each time an import finds the file's text changed.",
  fields: (t) => ({
    number: t.exposeInt("number", { description: "1 for the file's first version, counting up." }),
    contentHash: t.exposeString("contentHash", { description: "SHA-256 of the file's text, in hex." }),
    current: t.exposeBoolean("current", {
      description: "True for the revision the agent's fields are read from (the newest one).",
    }),
    createdAt: t.field({
      type: "AgentryDateTime",
      description: "When the import that found this version stored it.",
      resolve: (r) => r.createdAt,
    }),
  }),
});

const StringChangeRef = builder
  .objectRef<{ from: string | null; to: string | null }>("AgentryStringChange")
  .implement({
    description: "A value before and after a change. Present only when the value changed.",
    fields: (t) => ({
      from: t.exposeString("from", {
        nullable: true,
        description: "The value in the `from` revision; null when it had none (e.g. no `color`).",
      }),
      to: t.exposeString("to", {
        nullable: true,
        description: "The value in the `to` revision; null when it has none.",
      }),
    }),
  });

const DiffToolRef = builder.objectRef<DiffTool>("AgentDiffTool").implement({
  description: "A tool added to or removed from the agent's `tools`.",
  fields: (t) => ({
    name: t.exposeString("name", {
      description: "As written, e.g. `Read` or `mcp__github__create_pull_request`.",
    }),
    tier: t.field({
      type: ToolTierEnum,
      description: "Its tier in the revision that lists it.",
      resolve: (x) => x.tier as AgentTool["tier"],
    }),
  }),
});

const ToolTierChangeRef = builder
  .objectRef<{ name: string; from: string; to: string }>("AgentToolTierChange")
  .implement({
    description: "A tool both revisions list, under different tiers.",
    fields: (t) => ({
      name: t.exposeString("name", { description: "The tool's name, e.g. `Bash`." }),
      from: t.field({
        type: ToolTierEnum,
        description: "Its tier in the `from` revision.",
        resolve: (x) => x.from as AgentTool["tier"],
      }),
      to: t.field({
        type: ToolTierEnum,
        description: "Its tier in the `to` revision.",
        resolve: (x) => x.to as AgentTool["tier"],
      }),
    }),
  });

const DiffEdgeRef = builder.objectRef<DiffEdge>("AgentDiffEdge").implement({
  description:
    "A collaboration edge the file states in one revision and not in the other, by the names as written (edges are compared by kind and ends; a peer edge either way round).",
  fields: (t) => ({
    kind: t.field({ type: CollaborationKindEnum, description: "The edge's kind.", resolve: (e) => e.kind }),
    from: t.exposeString("from", {
      description:
        "The name at the edge's `from` end, in kebab-case, e.g. `qa-engineer`; for a handoff, the agent that provides the work.",
    }),
    to: t.exposeString("to", {
      description:
        "The name at the edge's `to` end, in kebab-case, e.g. `release-captain`; for a handoff, the agent that receives it.",
    }),
    summary: t.exposeString("summary", {
      nullable: true,
      description:
        "The text after the arrow or colon, in the revision that states the edge; null when there is none.",
    }),
  }),
});

const DiffExampleRef = builder.objectRef<DiffExample>("AgentDiffExample").implement({
  description:
    "An `<example>` block of the description that one revision has and the other has not (blocks are compared by their whole text).",
  fields: (t) => ({
    context: t.exposeString("context", {
      nullable: true,
      description: "The text after `Context:`; null when the block has none.",
    }),
    user: t.exposeString("user", {
      nullable: true,
      description: "What the user says (after `user:`); null when the block has none.",
    }),
    assistant: t.exposeString("assistant", {
      nullable: true,
      description: "What the assistant answers (after `assistant:`); null when the block has none.",
    }),
  }),
});

export const RevisionDiffRef = builder.objectRef<RevisionDiff>("AgentRevisionDiff").implement({
  description: "What changed between two revisions: each field is null (or empty) when unchanged.",
  fields: (t) => ({
    fromRevision: t.int({
      description:
        "The number (`AgentRevision.number`) of the revision compared from: `diff(from:)`, by default the one before `toRevision`.",
      resolve: (d) => d.from.number,
    }),
    toRevision: t.int({
      description: "The number of the revision compared to: `diff(to:)`, by default the current one.",
      resolve: (d) => d.to.number,
    }),
    name: t.field({
      type: StringChangeRef,
      nullable: true,
      description: "The declared name before and after; null when unchanged.",
      resolve: (d) => d.name,
    }),
    model: t.field({
      type: StringChangeRef,
      nullable: true,
      description: "The raw `model` string before and after, e.g. `sonnet` to `opus`; null when unchanged.",
      resolve: (d) => (d.model ? { from: d.model.from?.raw ?? null, to: d.model.to?.raw ?? null } : null),
    }),
    color: t.field({
      type: StringChangeRef,
      nullable: true,
      description: "The `color` before and after (null on a side without one); null when unchanged.",
      resolve: (d) => d.color,
    }),
    toolsMode: t.field({
      type: StringChangeRef,
      nullable: true,
      description:
        "How tools are given, before and after, as the lowercase value of `AgentToolsMode` (`inherit`, `none`, `all`, `list`); null when unchanged.",
      resolve: (d) => d.toolsMode,
    }),
    descriptionChanged: t.exposeBoolean("descriptionChanged", {
      description:
        "True when the prose of the frontmatter's `description` differs; its `<example>` blocks are compared in `examplesAdded` and `examplesRemoved`.",
    }),
    bodyChanged: t.exposeBoolean("bodyChanged", {
      description: "True when the Markdown after the frontmatter differs in any way, whitespace included.",
    }),
    toolsAdded: t.field({
      type: [DiffToolRef],
      description: "Tools the `to` revision lists and the `from` one does not, in its order.",
      resolve: (d) => d.tools.added,
    }),
    toolsRemoved: t.field({
      type: [DiffToolRef],
      description: "Tools the `from` revision lists and the `to` one does not, in its order.",
      resolve: (d) => d.tools.removed,
    }),
    toolsRetiered: t.field({
      type: [ToolTierChangeRef],
      description: "Tools both revisions list under different tiers.",
      resolve: (d) => d.tools.changed,
    }),
    skillsAdded: t.stringList({
      description:
        "Skill names the `to` revision names and the `from` one does not, e.g. `release-checklist`.",
      resolve: (d) => d.skills.added,
    }),
    skillsRemoved: t.stringList({
      description: "Skill names the `from` revision names and the `to` one does not.",
      resolve: (d) => d.skills.removed,
    }),
    commandsAdded: t.stringList({
      description:
        "Slash commands, as written, that the `to` revision names and the `from` one does not, e.g. `/delivery:release-notes`.",
      resolve: (d) => d.commands.added,
    }),
    commandsRemoved: t.stringList({
      description: "Slash commands, as written, that the `from` revision names and the `to` one does not.",
      resolve: (d) => d.commands.removed,
    }),
    collaborationsAdded: t.field({
      type: [DiffEdgeRef],
      description: "Edges the `to` revision states and the `from` one does not.",
      resolve: (d) => d.collaborations.added,
    }),
    collaborationsRemoved: t.field({
      type: [DiffEdgeRef],
      description: "Edges the `from` revision states and the `to` one does not.",
      resolve: (d) => d.collaborations.removed,
    }),
    examplesAdded: t.field({
      type: [DiffExampleRef],
      description: "`<example>` blocks of the `to` revision's description that the `from` one does not have.",
      resolve: (d) => d.examples.added,
    }),
    examplesRemoved: t.field({
      type: [DiffExampleRef],
      description: "`<example>` blocks of the `from` revision's description that the `to` one does not have.",
      resolve: (d) => d.examples.removed,
    }),
  }),
});
