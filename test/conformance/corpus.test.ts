// The real public catalog: every file must read without an error and render back byte for byte.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { parseDefinition, render } from "../../src/definitions/index.js";
import { CORPUS_DIR, requireShared } from "../support/shared.js";

const present = requireShared(CORPUS_DIR);

describe.runIf(present)("corpus", () => {
  it("finds every agent, skill, command and plugin manifest", async () => {
    const files = await findDefinitionFiles([CORPUS_DIR]);
    const count = (k: string) => files.filter((f) => f.kind === k).length;
    expect([count("agent"), count("skill"), count("command")]).toEqual([202, 181, 105]);
    expect(count("plugin")).toBeGreaterThan(80);
  });

  it("reads every file without an error and renders it back byte for byte", async () => {
    const files = await findDefinitionFiles([CORPUS_DIR]);
    const failures: string[] = [];
    for (const f of files) {
      const text = readFileSync(f.path, "utf8");
      const def = parseDefinition(text, { path: f.relativePath, kind: f.kind });
      for (const d of def.diagnostics)
        if (d.severity === "error") failures.push(`${f.relativePath}:${d.line}: ${d.message}`);
      if (render(def) !== text) failures.push(`${f.relativePath}: render differs`);
    }
    expect(failures).toEqual([]);
  });

  it("names agents by their frontmatter even where it differs from the file", async () => {
    const files = await findDefinitionFiles([CORPUS_DIR]);
    const f = files.find((x) => x.relativePath === "plugins/api-scaffolding/agents/backend-architect.md")!;
    const def = parseDefinition(readFileSync(f.path, "utf8"), { path: f.relativePath });
    expect(def.name).toBe("api-scaffolding-backend-architect");
    expect(def.diagnostics.some((d) => d.code === "name-differs")).toBe(true);
  });
});
