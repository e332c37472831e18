// The typed shape of a parsed definition. Every boundary is a zod schema so that callers
// (the catalog, the CLI's --json output, tests) can validate what they receive.
import { z } from "zod";

export const severitySchema = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof severitySchema>;

/** A problem found while reading a file. Lines and columns are 1-based. */
export const diagnosticSchema = z.object({
  severity: severitySchema,
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  message: z.string(),
  field: z.string().optional(),
  code: z.string(),
});
export type Diagnostic = z.infer<typeof diagnosticSchema>;

/** Where a fact came from: the 1-based line and that line's text. */
export const evidenceSchema = z.object({
  line: z.number().int().min(1),
  text: z.string(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const definitionKindSchema = z.enum(["agent", "skill", "command", "plugin"]);
export type DefinitionKind = z.infer<typeof definitionKindSchema>;

export const modelFamilySchema = z.enum(["opus", "sonnet", "haiku", "inherit", "other"]);
export type ModelFamily = z.infer<typeof modelFamilySchema>;

export const modelSchema = z.object({ raw: z.string(), family: modelFamilySchema });
export type Model = z.infer<typeof modelSchema>;

export const toolTierSchema = z.enum(["essential", "optional", "specialized", "none"]);
export type ToolTier = z.infer<typeof toolTierSchema>;

/** builtin: a plain identifier (Read, Bash); mcp: mcp__server__tool; wildcard: `*` or a pattern. */
export const toolKindSchema = z.enum(["builtin", "mcp", "wildcard", "other"]);

export const toolSchema = z.object({
  name: z.string(),
  tier: toolTierSchema,
  kind: toolKindSchema,
  /** MCP server for `mcp__server__tool` names. */
  server: z.string().optional(),
});
export type Tool = z.infer<typeof toolSchema>;

/**
 * inherit: no `tools` key (the agent gets every tool); none: `tools: []`; all: `tools: *`;
 * list: explicit tools, possibly tiered.
 */
export const toolModeSchema = z.enum(["inherit", "none", "all", "list"]);
export type ToolMode = z.infer<typeof toolModeSchema>;

export const toolSpecSchema = z.object({
  mode: toolModeSchema,
  items: z.array(toolSchema),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

export const skillRefSchema = z.object({
  name: z.string(),
  origin: z.enum(["frontmatter", "body"]),
  evidence: evidenceSchema.optional(),
});
export type SkillRef = z.infer<typeof skillRefSchema>;

export const exampleSchema = z.object({
  context: z.string().nullable(),
  user: z.string().nullable(),
  assistant: z.string().nullable(),
  commentary: z.string().nullable(),
  /** The block's text between <example> and </example>, unescaped. */
  text: z.string(),
});
export type Example = z.infer<typeof exampleSchema>;

export const sectionSchema = z.object({
  /** Heading text as written, emoji and markup removed. */
  title: z.string(),
  /** kebab-case key of the title, for lookups ("Required Skills" → "required-skills"). */
  key: z.string(),
  level: z.number().int().min(1).max(6),
  /** 1-based line of the heading and the last line of the section (inclusive). */
  line: z.number().int().min(1),
  endLine: z.number().int().min(1),
  /** The section's text after its heading, up to the next heading of any level. */
  text: z.string(),
});
export type Section = z.infer<typeof sectionSchema>;

export const commandRefSchema = z.object({
  /** As written without arguments, e.g. `/agency:work`. */
  name: z.string(),
  evidence: evidenceSchema,
});
export type CommandRef = z.infer<typeof commandRefSchema>;

export const collaborationKindSchema = z.enum(["handoff", "peer", "mention"]);
export type CollaborationKind = z.infer<typeof collaborationKindSchema>;

export const collaborationEndSchema = z.enum(["agent", "group"]);
export type CollaborationEnd = z.infer<typeof collaborationEndSchema>;

/**
 * One edge between two agent names (kebab-case). For handoff, `from` provides work to `to`.
 * Peer edges are undirected; `from` is the agent whose file states them.
 */
export const collaborationSchema = z.object({
  kind: collaborationKindSchema,
  from: z.string(),
  to: z.string(),
  /** Free text after the arrow or colon, e.g. "System requirements and technical specifications". */
  summary: z.string().nullable(),
  /** Nested `**Key**: value` lines, keyed in camelCase (inputFormat, qualityGate, handoffLocation…). */
  attributes: z.record(z.string(), z.string()),
  /** The bold group line above the entry, e.g. "Planning Phase". */
  phase: z.string().nullable(),
  /** Title of the section the edge was read from. */
  section: z.string().nullable(),
  evidence: evidenceSchema,
  /** Absent: an agent. "group": a group of agents ("All Agents", "Product Team"), not one agent. */
  fromKind: collaborationEndSchema.optional(),
  toKind: collaborationEndSchema.optional(),
  /** The name as written (markup removed) where it is not already kebab-case: "TikTok Strategist". */
  fromText: z.string().optional(),
  toText: z.string().optional(),
});
export type Collaboration = z.infer<typeof collaborationSchema>;

export const frontmatterFormatSchema = z.enum(["yaml", "tolerant", "markdown-list", "none"]);
export type FrontmatterFormat = z.infer<typeof frontmatterFormatSchema>;

/** A frontmatter key's place in the file, so that rendering can rewrite only its lines. */
export const fieldSpanSchema = z.object({
  key: z.string(),
  /** 0-based index of the first line and one past the last line of the key (its value included). */
  startLine: z.number().int().min(0),
  endLine: z.number().int().min(0),
});
export type FieldSpan = z.infer<typeof fieldSpanSchema>;

export const sourceInfoSchema = z.object({
  /** The exact text that was read, BOM and line endings included. */
  text: z.string(),
  path: z.string().nullable(),
  bom: z.boolean(),
  lineEnding: z.enum(["\n", "\r\n"]),
  frontmatter: z.object({
    format: frontmatterFormatSchema,
    /** 0-based line indexes of the opening and closing delimiters (null when there are none). */
    openLine: z.number().int().nullable(),
    closeLine: z.number().int().nullable(),
    fields: z.array(fieldSpanSchema),
    /** Raw values read from the frontmatter, before normalization. */
    data: z.record(z.string(), z.unknown()),
  }),
  /** 0-based index of the body's first line. */
  bodyStartLine: z.number().int().min(0),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;

export const markdownDefinitionSchema = z.object({
  kind: z.enum(["agent", "skill", "command"]),
  name: z.string(),
  /** Where the name came from: the frontmatter, a Markdown metadata list, or the file name. */
  nameOrigin: z.enum(["frontmatter", "markdown-list", "filename"]),
  description: z.string().nullable(),
  examples: z.array(exampleSchema),
  model: modelSchema.nullable(),
  color: z.string().nullable(),
  tools: toolSpecSchema,
  skills: z.array(skillRefSchema),
  /** Frontmatter keys this reader does not interpret, kept as they were read. */
  extra: z.record(z.string(), z.unknown()),
  sections: z.array(sectionSchema),
  commands: z.array(commandRefSchema),
  collaborations: z.array(collaborationSchema),
  body: z.string(),
  diagnostics: z.array(diagnosticSchema),
  source: sourceInfoSchema,
});
export type MarkdownDefinition = z.infer<typeof markdownDefinitionSchema>;

export const pluginManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  description: z.string().optional(),
  author: z
    .object({ name: z.string().optional(), email: z.string().optional(), url: z.string().optional() })
    .passthrough()
    .optional(),
  homepage: z.string().optional(),
  repository: z.unknown().optional(),
  license: z.string().optional(),
  keywords: z.array(z.string()).optional(),
});

export const pluginDefinitionSchema = z.object({
  kind: z.literal("plugin"),
  name: z.string(),
  version: z.string().nullable(),
  description: z.string().nullable(),
  /** The whole manifest as read, unknown keys included. */
  manifest: z.record(z.string(), z.unknown()),
  diagnostics: z.array(diagnosticSchema),
  source: z.object({ text: z.string(), path: z.string().nullable() }),
});
export type PluginDefinition = z.infer<typeof pluginDefinitionSchema>;

export type Definition = MarkdownDefinition | PluginDefinition;
