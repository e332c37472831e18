// What a file's place in a source says about it: its plugin namespace and its stem.
// plugins/<plugin>/agents/x.md → namespace "<plugin>", stem "x".

const ROLE_DIRS = new Set(["agents", "skills", "commands", ".claude-plugin"]);

export function namespaceOf(path: string): string {
  const parts = path.split("/").filter(Boolean);
  const role = parts.findIndex((p) => ROLE_DIRS.has(p));
  if (role <= 0) return "";
  return parts[role - 1]!;
}

export function stemOf(path: string, kind: string): string {
  const parts = path.split("/").filter(Boolean);
  const file = parts.at(-1) ?? "";
  if (kind === "skill" && /^skill\.md$/i.test(file) && parts.length >= 2) return parts.at(-2)!;
  return file.replace(/\.[^.]*$/, "");
}
