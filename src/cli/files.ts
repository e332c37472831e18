// Finding definition files on disk. Used by `validate`, `parse` and `import`.
//
// A folder is read in one of two ways:
// - a repository (it has `.git`, `.claude` or `.claude-plugin`, or one of Claude Code's layouts
//   at its top: `agents/`, `commands/`, `skills/`, `plugins/<name>/…`) is read as Claude Code
//   reads it: `agents/`, `.claude/agents/`, `plugins/*/agents/`, the same for `commands/` and
//   `skills/*/SKILL.md`, and `.claude-plugin/plugin.json`; `docs/`, `prompts/` and design notes
//   are not agents. A Markdown file at the top of the repository is read only when it starts
//   with frontmatter, YAML or a `- **name:**` list (a definition, not a README or notes), or
//   is empty (so that it is reported). `--include <glob>` reads more;
// - any other folder (a flat folder of agent files, or agents grouped in folders of their own)
//   is read whole, as before.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type DefinitionKind, kindFromPath, parseDefinition } from "../definitions/index.js";

export interface FoundFile {
  /** The path as the user will recognise it (relative to the working directory when possible). */
  path: string;
  /** The path relative to the root it was found under: the path a catalog keeps. */
  relativePath: string;
  kind: DefinitionKind;
}

export interface FindOptions {
  /** Globs (relative to each folder given) of files to read besides Claude Code's layouts. */
  include?: readonly string[];
  /** Where notes about skipped files go (stderr by default). */
  note?: (line: string) => void;
}

const SKIP_DIRS = new Set(["node_modules", ".git", ".agentry", "dist", "coverage"]);
const ROLES = new Set(["agents", "commands", "skills"]);

/** Claude Code's layouts, on a path relative to the repository's root. */
const LAYOUT = [
  /^(?:\.claude\/|plugins\/[^/]+\/)?(?:agents|commands)\/.+\.md$/i,
  /^(?:\.claude\/|plugins\/[^/]+\/)?skills\/[^/]+\/SKILL\.md$/i,
  /^(?:plugins\/[^/]+\/)?\.claude-plugin\/plugin\.json$/,
];

export class UsageError extends Error {}

/** Expands files and directories into definition files, in a stable (sorted) order. */
export async function findDefinitionFiles(
  inputs: readonly string[],
  options: FindOptions = {},
): Promise<FoundFile[]> {
  const note = options.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  const include = (options.include ?? []).map(globToRegExp);
  const out: FoundFile[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new UsageError(`${input}: no such file or directory`);
    if (info.isFile()) {
      const name = input.split(/[\\/]/).at(-1) ?? input;
      out.push({ path: input, relativePath: name, kind: kindFromPath(input) ?? "agent" });
      continue;
    }
    const found: FoundFile[] = [];
    const skipped: string[] = [];
    const repository = await isRepository(input);
    await walk(input, input, async (full, rel) => {
      const kind = kindFromPath(rel);
      if (!repository) {
        if (kind) found.push({ path: full, relativePath: rel, kind });
        return;
      }
      const wanted =
        LAYOUT.some((re) => re.test(rel)) ||
        include.some((re) => re.test(rel)) ||
        (!rel.includes("/") && /\.md$/i.test(rel) && (await startsWithFrontmatter(full)));
      if (wanted && kind) found.push({ path: full, relativePath: rel, kind });
      else if (!wanted && kind && /\.md$/i.test(rel)) skipped.push(rel);
    });
    if (skipped.length > 0) {
      note(
        `agentry: ${input}: a repository, read as Claude Code reads it; ${skipped.length} Markdown file${skipped.length === 1 ? "" : "s"} outside its layouts not read (${skipped.slice(0, 3).join(", ")}${skipped.length > 3 ? ", …" : ""}; --include <glob> reads them)`,
      );
    }
    if (found.length === 0) note(`agentry: ${input}: no definition files found`);
    found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
    out.push(...found);
  }
  return out;
}

/**
 * A repository: `.git`, `.claude` or `.claude-plugin` at its top, or one of Claude Code's
 * layouts (`agents/`, `commands/`, `skills/`, or `plugins/<name>/` holding one of them).
 */
export async function isRepository(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.name === ".git" || ((e.name === ".claude" || e.name === ".claude-plugin") && e.isDirectory()))
      return true;
    if (e.isDirectory() && ROLES.has(e.name)) return true;
  }
  if (!entries.some((e) => e.name === "plugins" && e.isDirectory())) return false;
  const plugins = await readdir(join(dir, "plugins"), { withFileTypes: true }).catch(() => []);
  for (const p of plugins) {
    if (!p.isDirectory()) continue;
    const inside = await readdir(join(dir, "plugins", p.name), { withFileTypes: true }).catch(() => []);
    if (inside.some((e) => e.isDirectory() && (ROLES.has(e.name) || e.name === ".claude-plugin")))
      return true;
  }
  return false;
}

/**
 * A definition has frontmatter (YAML or the `- **name:** x` list some catalogs write); notes
 * do not. An empty file is read, so that `validate` and `import` say it is empty.
 */
async function startsWithFrontmatter(path: string): Promise<boolean> {
  const { text } = await readText(path).catch(() => ({ text: "" }));
  if (text.replace(/^\uFEFF/, "").trim() === "") return true;
  const def = parseDefinition(text, { path, kind: "agent" });
  return def.kind !== "plugin" && def.source.frontmatter.format !== "none";
}

async function walk(
  root: string,
  dir: string,
  visit: (full: string, rel: string) => Promise<void>,
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (
        SKIP_DIRS.has(e.name) ||
        (e.name.startsWith(".") && e.name !== ".claude-plugin" && e.name !== ".claude")
      ) {
        continue;
      }
      await walk(root, full, visit);
    } else if (e.isSymbolicLink()) {
      // Not followed (a link can leave the folder or loop), and not silently either.
      process.stderr.write(
        `agentry: ${full}: a symbolic link, skipped (pass the path it points at instead)\n`,
      );
    } else if (e.isFile()) {
      await visit(full, relative(root, full).split(sep).join("/"));
    }
  }
}

/**
 * A glob as a regular expression over a `/`-separated relative path: `**` any number of
 * folders, `*` and `?` within one name, `{a,b}` either, `[…]` a character class; a glob
 * without `/` matches a name in any folder (`*.prompt.md`), as .gitignore reads it.
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.replace(/\\/g, "/").replace(/^\.\//, "");
  if (!g.includes("/")) g = `**/${g}`;
  if (g.endsWith("/")) g += "**";
  let re = "";
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*" && g[i + 1] === "*") {
      const slash = g[i + 2] === "/";
      re += slash ? "(?:[^/]*/)*" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else if (c === "[") {
      const end = g.indexOf("]", i + 1);
      if (end === -1) re += "\\[";
      else {
        re += `[${g
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * Reads a file as text. Invalid UTF-8 is decoded with replacement characters and reported,
 * since the exact bytes could not be given back.
 */
export async function readText(
  path: string,
): Promise<{ text: string; bytes: Uint8Array; validUtf8: boolean }> {
  const bytes = await readFile(path);
  try {
    return {
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes),
      bytes,
      validUtf8: true,
    };
  } catch {
    return { text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), bytes, validUtf8: false };
  }
}
