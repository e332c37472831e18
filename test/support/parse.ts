import { type MarkdownDefinition, type ParseOptions, parseDefinition } from "../../src/definitions/index.js";

/** Parses Markdown text as an agent (unless told otherwise) and narrows the type. */
export function parseAgent(text: string, options: ParseOptions = {}): MarkdownDefinition {
  const def = parseDefinition(text, { path: "agents/test-agent.md", ...options });
  if (def.kind === "plugin") throw new Error("expected a Markdown definition");
  return def;
}

export function codes(def: { diagnostics: { code: string }[] }): string[] {
  return def.diagnostics.map((d) => d.code);
}
