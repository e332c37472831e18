// The facts an agent's file states besides its edges: skills, commands, sections, examples,
// and what the reader noticed (diagnostics). Each keeps its evidence (line and source line).
import type {
  AgentCommand,
  AgentExample,
  AgentSection,
  AgentSkill,
  Evidence,
} from "../catalog/reads/index.js";
import type { Diagnostic } from "../definitions/index.js";
import { builder } from "./builder.js";
import { COST } from "./costs.js";

export const EvidenceRef = builder.objectRef<Evidence>("AgentryEvidence").implement({
  description: "Where a fact was read: a 1-based line of the file and that line's text.",
  fields: (t) => ({
    line: t.exposeInt("line"),
    text: t.exposeString("text"),
  }),
});

export const AgentSkillOriginEnum = builder.enumType("AgentSkillOrigin", {
  description: "Where in the agent's file a skill is named.",
  values: {
    FRONTMATTER: { value: "frontmatter", description: "The frontmatter's `skills` list." },
    BODY: { value: "body", description: "A section of the body, such as Required Skills." },
  } as const,
});

export const AgentSkillRef = builder.objectRef<AgentSkill>("AgentSkill").implement({
  description: "A skill the agent names, and the skill it resolves to in the same source.",
  fields: (t) => ({
    name: t.exposeString("name"),
    origin: t.field({ type: AgentSkillOriginEnum, resolve: (s) => s.origin }),
    resolved: t.boolean({ resolve: (s) => s.skillId !== null }),
    skillRef: t.exposeString("skillRef", {
      nullable: true,
      description: "`source/name` of the skill file, once one exists.",
    }),
    evidence: t.field({ type: EvidenceRef, nullable: true, resolve: (s) => s.evidence }),
  }),
});

export const AgentCommandRef = builder.objectRef<AgentCommand>("AgentCommand").implement({
  fields: (t) => ({
    name: t.exposeString("name", { description: "As written, e.g. `/delivery:release-notes`." }),
    resolved: t.boolean({
      description: "A command file of that name exists in the source.",
      resolve: (c) => c.commandId !== null,
    }),
    evidence: t.field({ type: EvidenceRef, resolve: (c) => c.evidence }),
  }),
});

export const AgentSectionRef = builder.objectRef<AgentSection>("AgentSection").implement({
  fields: (t) => ({
    title: t.exposeString("title", { description: "The heading without emoji or markup." }),
    key: t.exposeString("key", { description: "kebab-case key of the title, e.g. `required-skills`." }),
    level: t.exposeInt("level"),
    line: t.exposeInt("line"),
    endLine: t.exposeInt("endLine"),
    text: t.exposeString("text", {
      description: "The section's text after its heading.",
      complexity: COST.sectionText,
    }),
    markdown: t.exposeString("markdown", {
      description: "The section's lines exactly as in the file.",
      complexity: COST.sectionText,
    }),
  }),
});

export const AgentExampleRef = builder.objectRef<AgentExample>("AgentExample").implement({
  description: "An `<example>` block of the description.",
  fields: (t) => ({
    context: t.exposeString("context", { nullable: true }),
    user: t.exposeString("user", { nullable: true }),
    assistant: t.exposeString("assistant", { nullable: true }),
    commentary: t.exposeString("commentary", { nullable: true }),
  }),
});

export const SeverityEnum = builder.enumType("AgentrySeverity", {
  values: { ERROR: { value: "error" }, WARNING: { value: "warning" }, INFO: { value: "info" } } as const,
});

export const DiagnosticRef = builder.objectRef<Diagnostic>("AgentryDiagnostic").implement({
  fields: (t) => ({
    severity: t.field({ type: SeverityEnum, resolve: (d) => d.severity }),
    code: t.exposeString("code"),
    message: t.exposeString("message"),
    line: t.exposeInt("line"),
    column: t.exposeInt("column"),
    field: t.exposeString("field", { nullable: true }),
  }),
});
