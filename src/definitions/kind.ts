// Which kind of definition a path holds, following Claude Code's layouts:
// agents/<name>.md, skills/<name>/SKILL.md, commands/<name>.md, .claude-plugin/plugin.json.
import type { DefinitionKind } from "./types.js";

/** Markdown files in a catalog that are documentation, not definitions. */
const NOT_DEFINITIONS =
  /^(readme|changelog|license|licence|contributing|code_of_conduct|security|source|claude|agents)\.md$/i;

export function kindFromPath(path: string | null): DefinitionKind | null {
  if (!path) return null;
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts.at(-1) ?? "";
  const dirs = parts.slice(0, -1);
  if (file === "plugin.json" && dirs.at(-1) === ".claude-plugin") return "plugin";
  if (!/\.md$/i.test(file)) return null;
  if (/^skill\.md$/i.test(file)) return "skill";
  if (dirs.includes("skills")) return null; // reference files inside a skill's folder
  if (dirs.includes("commands")) return "command";
  if (dirs.includes("agents")) return "agent";
  if (NOT_DEFINITIONS.test(file)) return null;
  return "agent";
}
