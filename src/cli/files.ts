// Finding definition files on disk. Used by `validate`, `parse` and `import`.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type DefinitionKind, kindFromPath } from "../definitions/index.js";

export interface FoundFile {
  /** The path as the user will recognise it (relative to the working directory when possible). */
  path: string;
  /** The path relative to the root it was found under: the path a catalog keeps. */
  relativePath: string;
  kind: DefinitionKind;
}

const SKIP_DIRS = new Set(["node_modules", ".git", ".agentry", "dist", "coverage"]);

export class UsageError extends Error {}

/** Expands files and directories into definition files, in a stable (sorted) order. */
export async function findDefinitionFiles(inputs: readonly string[]): Promise<FoundFile[]> {
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
    await walk(input, input, found);
    if (found.length === 0) process.stderr.write(`agentry: ${input}: no definition files found\n`);
    found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
    out.push(...found);
  }
  return out;
}

async function walk(root: string, dir: string, out: FoundFile[]): Promise<void> {
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
      await walk(root, full, out);
    } else if (e.isSymbolicLink()) {
      // Not followed (a link can leave the folder or loop), and not silently either.
      process.stderr.write(
        `agentry: ${full}: a symbolic link, skipped (pass the path it points at instead)\n`,
      );
    } else if (e.isFile()) {
      const rel = relative(root, full).split(sep).join("/");
      const kind = kindFromPath(rel);
      if (kind) out.push({ path: full, relativePath: rel, kind });
    }
  }
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
