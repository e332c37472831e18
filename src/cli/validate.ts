// `agentry validate [--json] [--strict] [--include <glob>] <file|dir>...`
// The paths given are checked as one source, as `import` would store them: each file alone, then
// the rules across files (two files declaring one name: an error on both).
import { namespaceOf } from "../catalog/paths.js";
import { type Definition, type Diagnostic, nameConflicts, parseDefinition } from "../definitions/index.js";
import { findDefinitionFiles, readText } from "./files.js";

export interface ValidateOptions {
  json?: boolean;
  strict?: boolean;
  verbose?: boolean;
  include?: string[];
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Returns the exit code: 1 when any file has an error (or, with --strict, a warning). */
export async function validate(
  inputs: readonly string[],
  options: ValidateOptions,
  io: Output,
): Promise<number> {
  const files = await findDefinitionFiles(inputs, { include: options.include ?? [] });
  const read: { def: Definition; diagnostics: Diagnostic[] }[] = [];
  for (const file of files) {
    const { text, validUtf8 } = await readText(file.path);
    const def: Definition = parseDefinition(text, { path: file.path, kind: file.kind });
    const diagnostics = [...def.diagnostics];
    if (!validUtf8) {
      diagnostics.unshift({
        severity: "error",
        code: "encoding",
        message: "the file is not valid UTF-8",
        line: 1,
        column: 1,
      });
    }
    read.push({ def, diagnostics });
  }
  // Files the importer would refuse anyway (errors of their own) claim no name.
  const conflicts = nameConflicts(
    files.flatMap((f, i) =>
      read[i]!.diagnostics.some((d) => d.severity === "error")
        ? []
        : [
            {
              path: f.relativePath,
              kind: read[i]!.def.kind,
              name: read[i]!.def.name,
              namespace: namespaceOf(f.relativePath),
            },
          ],
    ),
  );
  let errors = 0;
  let warnings = 0;
  let failed = 0;
  for (const [i, file] of files.entries()) {
    const { def, diagnostics } = read[i]!;
    diagnostics.push(...(conflicts.get(file.relativePath) ?? []));
    const e = diagnostics.filter((d) => d.severity === "error").length;
    const w = diagnostics.filter((d) => d.severity === "warning").length;
    errors += e;
    warnings += w;
    const ok = e === 0 && !(options.strict && w > 0);
    if (!ok) failed++;
    if (options.json) {
      io.out(
        JSON.stringify({
          path: file.path,
          kind: def.kind,
          name: def.name,
          ok,
          diagnostics: diagnostics.map((d) => ({
            severity: d.severity,
            line: d.line,
            column: d.column,
            message: d.message,
            ...(d.field ? { field: d.field } : {}),
            code: d.code,
          })),
        }),
      );
    } else {
      for (const d of diagnostics) {
        if (d.severity === "info" && !options.verbose) continue;
        io.out(`${file.path}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
      }
    }
  }
  if (!options.json) {
    io.err(
      `${files.length} file${files.length === 1 ? "" : "s"} checked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}${failed ? `, ${failed} failed` : ""}`,
    );
  }
  return failed > 0 ? 1 : 0;
}
