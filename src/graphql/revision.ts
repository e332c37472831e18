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
  fields: (t) => ({
    number: t.exposeInt("number", { description: "1 for the file's first version, counting up." }),
    contentHash: t.exposeString("contentHash", { description: "SHA-256 of the file's text." }),
    current: t.exposeBoolean("current"),
    createdAt: t.field({ type: "AgentryDateTime", resolve: (r) => r.createdAt }),
  }),
});

const StringChangeRef = builder
  .objectRef<{ from: string | null; to: string | null }>("AgentryStringChange")
  .implement({
    fields: (t) => ({
      from: t.exposeString("from", { nullable: true }),
      to: t.exposeString("to", { nullable: true }),
    }),
  });

const DiffToolRef = builder.objectRef<DiffTool>("AgentDiffTool").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    tier: t.field({ type: ToolTierEnum, resolve: (x) => x.tier as AgentTool["tier"] }),
  }),
});

const ToolTierChangeRef = builder
  .objectRef<{ name: string; from: string; to: string }>("AgentToolTierChange")
  .implement({
    fields: (t) => ({
      name: t.exposeString("name"),
      from: t.field({ type: ToolTierEnum, resolve: (x) => x.from as AgentTool["tier"] }),
      to: t.field({ type: ToolTierEnum, resolve: (x) => x.to as AgentTool["tier"] }),
    }),
  });

const DiffEdgeRef = builder.objectRef<DiffEdge>("AgentDiffEdge").implement({
  fields: (t) => ({
    kind: t.field({ type: CollaborationKindEnum, resolve: (e) => e.kind }),
    from: t.exposeString("from"),
    to: t.exposeString("to"),
    summary: t.exposeString("summary", { nullable: true }),
  }),
});

const DiffExampleRef = builder.objectRef<DiffExample>("AgentDiffExample").implement({
  fields: (t) => ({
    context: t.exposeString("context", { nullable: true }),
    user: t.exposeString("user", { nullable: true }),
    assistant: t.exposeString("assistant", { nullable: true }),
  }),
});

export const RevisionDiffRef = builder.objectRef<RevisionDiff>("AgentRevisionDiff").implement({
  description: "What changed between two revisions: each field is null (or empty) when unchanged.",
  fields: (t) => ({
    fromRevision: t.int({ resolve: (d) => d.from.number }),
    toRevision: t.int({ resolve: (d) => d.to.number }),
    name: t.field({ type: StringChangeRef, nullable: true, resolve: (d) => d.name }),
    model: t.field({
      type: StringChangeRef,
      nullable: true,
      description: "The raw model string before and after.",
      resolve: (d) => (d.model ? { from: d.model.from?.raw ?? null, to: d.model.to?.raw ?? null } : null),
    }),
    color: t.field({ type: StringChangeRef, nullable: true, resolve: (d) => d.color }),
    toolsMode: t.field({ type: StringChangeRef, nullable: true, resolve: (d) => d.toolsMode }),
    descriptionChanged: t.exposeBoolean("descriptionChanged"),
    bodyChanged: t.exposeBoolean("bodyChanged"),
    toolsAdded: t.field({ type: [DiffToolRef], resolve: (d) => d.tools.added }),
    toolsRemoved: t.field({ type: [DiffToolRef], resolve: (d) => d.tools.removed }),
    toolsRetiered: t.field({ type: [ToolTierChangeRef], resolve: (d) => d.tools.changed }),
    skillsAdded: t.stringList({ resolve: (d) => d.skills.added }),
    skillsRemoved: t.stringList({ resolve: (d) => d.skills.removed }),
    commandsAdded: t.stringList({ resolve: (d) => d.commands.added }),
    commandsRemoved: t.stringList({ resolve: (d) => d.commands.removed }),
    collaborationsAdded: t.field({ type: [DiffEdgeRef], resolve: (d) => d.collaborations.added }),
    collaborationsRemoved: t.field({ type: [DiffEdgeRef], resolve: (d) => d.collaborations.removed }),
    examplesAdded: t.field({ type: [DiffExampleRef], resolve: (d) => d.examples.added }),
    examplesRemoved: t.field({ type: [DiffExampleRef], resolve: (d) => d.examples.removed }),
  }),
});
