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
    line: t.exposeInt("line", { description: "The 1-based line of the file the fact was read from." }),
    text: t.exposeString("text", { description: "That line's text as written, without its line ending." }),
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
    name: t.exposeString("name", {
      description: "The skill's name as the agent writes it, e.g. `release-checklist`.",
    }),
    origin: t.field({
      type: AgentSkillOriginEnum,
      description: "Where the name was read: the frontmatter's `skills` list or a section of the body.",
      resolve: (s) => s.origin,
    }),
    resolved: t.boolean({
      description:
        "True when the agent's source has a skill of that name (a `SKILL.md` file); false means it is listed in `unresolvedReferences`.",
      resolve: (s) => s.skillId !== null,
    }),
    skillRef: t.exposeString("skillRef", {
      nullable: true,
      description: "`source/name` of the skill file, once one exists.",
    }),
    evidence: t.field({
      type: EvidenceRef,
      nullable: true,
      description: "The body line that names the skill; null for a skill of the frontmatter's `skills` list.",
      resolve: (s) => s.evidence,
    }),
  }),
});

export const AgentCommandRef = builder.objectRef<AgentCommand>("AgentCommand").implement({
  description: "A slash command the agent's body names, and whether its source has that command file.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "As written, e.g. `/delivery:release-notes`." }),
    resolved: t.boolean({
      description:
        "A command file of that name exists in the source (in that plugin namespace when the name gives one); false means it is listed in `unresolvedReferences`.",
      resolve: (c) => c.commandId !== null,
    }),
    evidence: t.field({
      type: EvidenceRef,
      description: "The line of the file that names the command.",
      resolve: (c) => c.evidence,
    }),
  }),
});

export const AgentSectionRef = builder.objectRef<AgentSection>("AgentSection").implement({
  description:
    "A Markdown heading of the agent's body and the lines under it, up to the next heading of any level. Sections are listed in file order.",
  fields: (t) => ({
    title: t.exposeString("title", { description: "The heading without emoji or markup." }),
    key: t.exposeString("key", { description: "kebab-case key of the title, e.g. `required-skills`." }),
    level: t.exposeInt("level", { description: "The heading's level: 1 for `#` to 6 for `######`." }),
    line: t.exposeInt("line", { description: "The 1-based line of the file that holds the heading." }),
    endLine: t.exposeInt("endLine", {
      description:
        "The 1-based line of the section's last line (inclusive): the line before the next heading, or the file's last.",
    }),
    text: t.exposeString("text", {
      description: "The section's text after its heading, trimmed.",
      complexity: COST.sectionText,
    }),
    markdown: t.exposeString("markdown", {
      description: "The section's lines exactly as in the file, heading and line endings included.",
      complexity: COST.sectionText,
    }),
  }),
});

export const AgentExampleRef = builder.objectRef<AgentExample>("AgentExample").implement({
  description: "An `<example>` block of the description.",
  fields: (t) => ({
    context: t.exposeString("context", {
      nullable: true,
      description:
        "The text after `Context:`, e.g. `It is Tuesday and the release branch has to be cut.`; null when the block has none.",
    }),
    user: t.exposeString("user", {
      nullable: true,
      description:
        "What the user says (after `user:`, surrounding quotes removed); null when the block has none.",
    }),
    assistant: t.exposeString("assistant", {
      nullable: true,
      description:
        "What the assistant answers (after `assistant:`, surrounding quotes removed); null when the block has none.",
    }),
    commentary: t.exposeString("commentary", {
      nullable: true,
      description: "The text of the block's `<commentary>` tag: why the agent fits; null when it has none.",
    }),
  }),
});

export const SeverityEnum = builder.enumType("AgentrySeverity", {
  description: "How serious a diagnostic is.",
  values: {
    ERROR: {
      value: "error",
      description:
        "The file cannot be read as a definition (empty, binary, a field of the wrong type…). Such a file is not imported, so an agent of the catalog has none.",
    },
    WARNING: {
      value: "warning",
      description: "The file was read, but part of it was guessed or dropped, e.g. an unknown tool tier.",
    },
    INFO: { value: "info", description: "A note on how the file was read; nothing was lost." },
  } as const,
});

export const DiagnosticRef = builder.objectRef<Diagnostic>("AgentryDiagnostic").implement({
  description:
    "Something the reader noticed while reading a file, with where: what `agentry validate` prints as `path:line:column: severity: message`.",
  fields: (t) => ({
    severity: t.field({ type: SeverityEnum, description: "How serious it is.", resolve: (d) => d.severity }),
    code: t.exposeString("code", {
      description: "A stable kebab-case code to match on, e.g. `tools-tier` or `no-frontmatter`.",
    }),
    message: t.exposeString("message", { description: "What was noticed, in English, for a person." }),
    line: t.exposeInt("line", {
      description: "The 1-based line of the file it concerns (1 when it concerns the whole file).",
    }),
    column: t.exposeInt("column", {
      description: "The 1-based column on that line (1 when not more precise).",
    }),
    field: t.exposeString("field", {
      nullable: true,
      description:
        "The frontmatter key it concerns, e.g. `tools` or `model`; null when it concerns no one key.",
    }),
  }),
});
