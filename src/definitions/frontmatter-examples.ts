// Descriptions carry `<example>` blocks, and authors write their lines at the left margin:
// `user: "…"` and `assistant: "…"` then look like frontmatter keys. Claude Code has no such
// keys, so a line with one of them, and any line inside an open `<example>`, continues the
// value above it (one real catalog kept 1 of 4 examples and stored the rest as keys).

/** Labels of an example's parts; never frontmatter keys. */
const EXAMPLE_KEYS = new Set(["user", "assistant", "context", "commentary", "human", "example"]);

export function isExampleKey(key: string): boolean {
  return EXAMPLE_KEYS.has(key.toLowerCase());
}

/** How many `<example>` blocks a line leaves open (opening minus closing tags). */
export function exampleBalance(line: string): number {
  if (!line.includes("example")) return 0;
  const open = line.match(/<example>/gi)?.length ?? 0;
  const close = line.match(/<\/example>/gi)?.length ?? 0;
  return open - close;
}

/** Keys YAML read that are example labels: the frontmatter must be read line by line instead. */
export function exampleKeysIn(data: Record<string, unknown>): string[] {
  return Object.keys(data).filter(isExampleKey);
}
