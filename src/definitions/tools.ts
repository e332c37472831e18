// The `tools` field comes in many shapes: "Read, Write", [Read, Write], a tiered map
// (essential / optional / specialized), [] (no tools), absent (inherits all), "*" (all).
import type { DiagnosticList } from "./diagnostics.js";
import type { Tool, ToolSpec, ToolTier } from "./types.js";

const TIERS = new Set<ToolTier>(["essential", "optional", "specialized"]);

export function classifyTool(name: string, tier: ToolTier): Tool {
  if (name.startsWith("mcp__")) {
    const [, server, ...rest] = name.split("__");
    const tool: Tool = {
      name,
      tier,
      kind: rest.join("__").includes("*") || !rest.length ? "wildcard" : "mcp",
    };
    if (server) tool.server = server;
    return tool;
  }
  // `Bash(git diff:*)` is the Bash tool limited to a command pattern, not a wildcard tool.
  if (/^[A-Za-z][\w-]*(?:\(.*\))?$/.test(name)) return { name, tier, kind: "builtin" };
  if (name.includes("*")) return { name, tier, kind: "wildcard" };
  return { name, tier, kind: "other" };
}

/** Splits "Read, Write,Edit" or "Read Write" into names; brackets and quotes are dropped. */
export function splitToolString(text: string): string[] {
  const inner = text.trim().replace(/^\[(.*)\]$/s, "$1");
  // Parentheses may hold commas (Bash(git add, git commit)): split only outside them.
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of inner) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  const names = parts
    .map((p) =>
      p
        .trim()
        .replace(/^["']|["']$/g, "")
        .trim(),
    )
    .filter(Boolean);
  if (names.length === 1 && /^[A-Za-z]\w*(\s+[A-Za-z]\w*)+$/.test(names[0]!)) return names[0]!.split(/\s+/);
  return names;
}

export function readTools(
  present: boolean,
  value: unknown,
  diagnostics: DiagnosticList,
  line: number,
): ToolSpec {
  if (!present) return { mode: "inherit", items: [] };
  if (value === null || value === undefined || value === "") {
    diagnostics.warn("tools-empty", "`tools` has no value; the agent inherits all tools", line, 1, "tools");
    return { mode: "inherit", items: [] };
  }
  const items: Tool[] = [];
  const add = (name: string, tier: ToolTier) => {
    if (!items.some((t) => t.name === name)) items.push(classifyTool(name, tier));
  };
  const addAll = (v: unknown, tier: ToolTier) => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === "string" || typeof x === "number")
          for (const n of splitToolString(String(x))) add(n, tier);
        else if (x !== null)
          diagnostics.warn(
            "tools-item",
            `a tool entry is not a name: ${JSON.stringify(x)}`,
            line,
            1,
            "tools",
          );
      }
    } else if (typeof v === "string") for (const n of splitToolString(v)) add(n, tier);
    else if (v !== null && v !== undefined)
      diagnostics.warn("tools-item", `a tool entry is not a name: ${JSON.stringify(v)}`, line, 1, "tools");
  };
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const tier = key.toLowerCase() as ToolTier;
      if (TIERS.has(tier)) addAll(v, tier);
      else {
        diagnostics.warn(
          "tools-tier",
          `unknown tool tier "${key}"; its tools are kept without a tier`,
          line,
          1,
          "tools",
        );
        addAll(v, "none");
      }
    }
  } else addAll(value, "none");
  if (items.length === 1 && items[0]!.name === "*") return { mode: "all", items: [] };
  if (items.length === 0) return { mode: "none", items: [] };
  return { mode: "list", items };
}
