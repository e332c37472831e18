// Rules across the files of one source, which no single file can check: a name is used once per
// source (agents and skills), once per plugin namespace (commands). Two files that declare the
// same name (an upstream copy-paste mistake) are both in conflict: each gets an error naming the
// other. `validate` reports them; the importer must apply the same rule (see decision 0015).
import type { Diagnostic } from "./types.js";

export interface NamedFile {
  /** The path relative to the source's root, as the catalog keeps it. */
  path: string;
  kind: string;
  name: string;
  /** Plugin namespace (`plugins/<ns>/…`), "" outside plugins. */
  namespace: string;
}

/** The key a name must be unique under. */
export function nameKey(kind: string, namespace: string, name: string): string {
  return kind === "command" ? `command:${namespace}:${name}` : `${kind}:${name}`;
}

/** For each file in a conflict, its error diagnostics ("name-conflict"), by path. */
export function nameConflicts(files: readonly NamedFile[]): Map<string, Diagnostic[]> {
  const byKey = new Map<string, NamedFile[]>();
  for (const f of files) {
    if (f.kind === "plugin") continue;
    const key = nameKey(f.kind, f.namespace, f.name);
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  const out = new Map<string, Diagnostic[]>();
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    for (const f of list) {
      const others = list.filter((o) => o !== f).map((o) => o.path);
      const where = f.kind === "command" && f.namespace ? ` in plugin "${f.namespace}"` : "";
      const d: Diagnostic = {
        severity: "error",
        code: "name-conflict",
        message: `${f.kind} name "${f.name}"${where} is also declared by ${others.join(", ")}: names must be unique in a source`,
        line: 1,
        column: 1,
        field: "name",
      };
      const had = out.get(f.path);
      if (had) had.push(d);
      else out.set(f.path, [d]);
    }
  }
  return out;
}
