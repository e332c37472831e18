// text → typed definition plus diagnostics. Pure: no I/O, and it never throws (an unexpected
// failure inside becomes an error diagnostic on a minimal definition).
import { scanBody } from "./body.js";
import { readCollaborations } from "./collaboration.js";
import { readCommands } from "./commands.js";
import { splitExamples, unescapeNewlines } from "./description.js";
import { DiagnosticList } from "./diagnostics.js";
import { type Frontmatter, readFrontmatter } from "./frontmatter.js";
import { kindFromPath } from "./kind.js";
import { MAX_FILE_CHARS, MAX_NAME_CHARS } from "./limits.js";
import { BOM, dominantEnding, dominantEndingOf, type Line, splitLines } from "./lines.js";
import { readModel } from "./model.js";
import { nameFromPath, toKebab } from "./names.js";
import { parsePluginManifest } from "./plugin-manifest.js";
import { readBodySkills, readFrontmatterSkills } from "./skills.js";
import { readTools } from "./tools.js";
import type { Definition, DefinitionKind, MarkdownDefinition, SourceInfo } from "./types.js";

export interface ParseOptions {
  /** The file's path, relative to the catalog root where possible. Used for kind and name. */
  path?: string | null;
  /** Overrides the kind inferred from the path. */
  kind?: DefinitionKind;
}

/** Keys the reader interprets; every other frontmatter key is kept in `extra`. */
const KNOWN_KEYS = new Set(["name", "description", "model", "color", "tools", "skills"]);

export function parseDefinition(text: string, options: ParseOptions = {}): Definition {
  const path = options.path ?? null;
  const kind = options.kind ?? kindFromPath(path) ?? "agent";
  if (text.length > MAX_FILE_CHARS) {
    const d = new DiagnosticList();
    d.error(
      "file-too-large",
      `the file is ${text.length.toLocaleString("en")} characters long, over the limit of ${MAX_FILE_CHARS.toLocaleString("en")}; it was not read`,
    );
    if (kind !== "plugin") return emptyDefinition(text, path, kind, d);
    return { ...parsePluginManifest("{}", path), diagnostics: d.items, source: { text, path } };
  }
  if (kind === "plugin") return parsePluginManifest(text, path);
  try {
    return parseMarkdown(text, path, kind);
  } catch (e) {
    // A bug in an extractor must not take the whole import down: report it on the file.
    const d = new DiagnosticList();
    d.error("internal", `the reader failed on this file: ${(e as Error).message}`);
    return emptyDefinition(text, path, kind, d);
  }
}

/** Parses a Markdown definition (agent, skill or command). */
export function parseMarkdown(
  text: string,
  path: string | null,
  kind: "agent" | "skill" | "command",
): MarkdownDefinition {
  const d = new DiagnosticList();
  if (text.includes("\u0000")) {
    d.error("binary", "the file contains NUL bytes: it is not a text file");
    return emptyDefinition(text, path, kind, d);
  }
  if (text.trim() === "" || text === BOM) {
    d.error("empty", "the file is empty");
    return emptyDefinition(text, path, kind, d);
  }
  const bom = text.startsWith(BOM);
  const lines = splitLines(bom ? text.slice(1) : text);
  const fm = readFrontmatter(lines, d);
  const data = fm.data;
  const lineOf = (key: string) => (fm.fields.find((f) => f.key === key)?.startLine ?? fm.openLine ?? 0) + 1;
  const has = (key: string) => Object.hasOwn(data, key);

  if (fm.format === "none") {
    if (kind === "command") {
      d.info("no-frontmatter", "no frontmatter; the command is named after its file");
    } else {
      d.warn("no-frontmatter", `no frontmatter; the ${kind} is named after its file`);
    }
  }

  // name
  const fileName = nameFromPath(path, kind);
  let name = fileName;
  let nameOrigin: MarkdownDefinition["nameOrigin"] = "filename";
  if (has("name")) {
    const raw = data.name;
    if (typeof raw === "string" && raw.trim().length > MAX_NAME_CHARS) {
      d.error(
        "name-too-long",
        `\`name\` is ${raw.trim().length.toLocaleString("en")} characters long, over the limit of ${MAX_NAME_CHARS}`,
        lineOf("name"),
        1,
        "name",
      );
    } else if (typeof raw === "string" && raw.trim() !== "") {
      name = raw.trim();
      nameOrigin = fm.format === "markdown-list" ? "markdown-list" : "frontmatter";
      const kebab = toKebab(name);
      if (kebab !== name) {
        d.warn(
          "name-not-kebab",
          `name "${name}" is not kebab-case; it is read as "${kebab}"`,
          lineOf("name"),
          1,
          "name",
        );
        name = kebab || fileName;
      }
      if (path && name !== fileName && kind !== "command") {
        d.info(
          "name-differs",
          `name "${name}" differs from the file name "${fileName}"`,
          lineOf("name"),
          1,
          "name",
        );
      }
    } else {
      d.error(
        "name-type",
        "`name` must be a non-empty string; the file name is used instead",
        lineOf("name"),
        1,
        "name",
      );
    }
  } else if (fm.format !== "none" && kind !== "command") {
    d.warn(
      "name-missing",
      `no \`name\`; the ${kind} is named "${fileName}" after its file`,
      lineOf("name"),
      1,
      "name",
    );
  }

  // description
  let description: string | null = null;
  let examples: MarkdownDefinition["examples"] = [];
  if (has("description") && data.description !== null && data.description !== undefined) {
    const raw = data.description;
    if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") {
      const style = fm.styles.description ?? "RAW";
      let full = style === "QUOTE_DOUBLE" ? String(raw) : unescapeNewlines(String(raw));
      // A double-quoted value written with `\\n` holds a literal backslash-n once YAML has
      // read it; Claude Code's catalogs mean a line break (29 % of one catalog ended in six).
      if (style === "QUOTE_DOUBLE" && /\\[nrt]/.test(full)) {
        full = unescapeNewlines(full);
        d.warn(
          "description-escaped-newlines",
          "the double-quoted description holds `\\n` escapes written twice (`\\\\n`); they were read as line breaks",
          lineOf("description"),
          1,
          "description",
        );
      }
      const split = splitExamples(full);
      description = split.prose;
      examples = split.examples;
      split.examples.forEach((e, i) => {
        if (e.user === null || e.assistant === null) {
          d.warn(
            "example-incomplete",
            `example ${i + 1} of the description has no ${e.user === null ? "user" : "assistant"} turn that the reader could find; it is kept as text`,
            lineOf("description"),
            1,
            "description",
          );
        }
      });
    } else {
      d.error("description-type", "`description` must be text", lineOf("description"), 1, "description");
    }
  } else if (kind !== "command") {
    d.warn(
      "description-missing",
      `no \`description\`: nothing tells when to use this ${kind}`,
      lineOf("description"),
      1,
      "description",
    );
  }

  // model, color
  const model = readModel(has("model") ? data.model : null);
  if (has("model") && data.model !== null && typeof data.model === "object") {
    d.error("model-type", "`model` must be a string", lineOf("model"), 1, "model");
  }
  let color: string | null = null;
  if (has("color") && data.color !== null) {
    if (typeof data.color === "string") color = data.color.trim();
    else d.warn("color-type", "`color` should be a string", lineOf("color"), 1, "color");
  }

  // tools: skills and commands name theirs `allowed-tools`.
  const toolKey = has("tools")
    ? "tools"
    : has("allowed-tools") && kind !== "agent"
      ? "allowed-tools"
      : "tools";
  const tools = readTools(has(toolKey), data[toolKey], d, lineOf(toolKey));

  const body = scanBody(lines, fm.bodyStartLine);
  const fmSkills = readFrontmatterSkills(has("skills"), data.skills, d, lineOf("skills"));
  const skills = [...fmSkills, ...readBodySkills(body, fmSkills)];
  const commands = readCommands(body);
  const span = fm.fields.find((f) => f.key === "description");
  const descriptionSource =
    description !== null && span
      ? {
          text: description,
          lines: lines
            .slice(span.startLine, span.endLine)
            .map((l, i) => ({ index: span.startLine + i, text: l.text })),
        }
      : null;
  const collaborations = kind === "agent" ? readCollaborations(name, body, descriptionSource) : [];

  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!KNOWN_KEYS.has(k) && k !== toolKey) extra[k] = v;
  if (toolKey !== "tools") extra[toolKey] = data[toolKey];

  // The body is the text after the frontmatter's lines: one slice, not a join of every line.
  let bodyOffset = bom ? 1 : 0;
  for (let i = 0; i < fm.bodyStartLine && i < lines.length; i++) {
    bodyOffset += lines[i]!.text.length + lines[i]!.ending.length;
  }
  const bodyText = text.slice(bodyOffset);

  return {
    kind,
    name,
    nameOrigin,
    description,
    examples,
    model,
    color,
    tools,
    skills,
    extra,
    sections: body.sections,
    commands,
    collaborations,
    body: bodyText,
    diagnostics: d.items,
    source: sourceInfo(text, path, bom, fm, lines),
  };
}

function sourceInfo(
  text: string,
  path: string | null,
  bom: boolean,
  fm: Frontmatter,
  lines: readonly Line[],
): SourceInfo {
  return {
    text,
    path,
    bom,
    lineEnding: dominantEndingOf(lines),
    frontmatter: {
      format: fm.format,
      openLine: fm.openLine,
      closeLine: fm.closeLine,
      fields: fm.fields,
      data: fm.data,
    },
    bodyStartLine: fm.bodyStartLine,
  };
}

function emptyDefinition(
  text: string,
  path: string | null,
  kind: "agent" | "skill" | "command",
  d: DiagnosticList,
): MarkdownDefinition {
  const bom = text.startsWith(BOM);
  return {
    kind,
    name: nameFromPath(path, kind),
    nameOrigin: "filename",
    description: null,
    examples: [],
    model: null,
    color: null,
    tools: { mode: "inherit", items: [] },
    skills: [],
    extra: {},
    sections: [],
    commands: [],
    collaborations: [],
    body: bom ? text.slice(1) : text,
    diagnostics: d.items,
    source: {
      text,
      path,
      bom,
      lineEnding: dominantEnding(text),
      frontmatter: { format: "none", openLine: null, closeLine: null, fields: [], data: {} },
      bodyStartLine: 0,
    },
  };
}
