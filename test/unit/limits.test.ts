// Bounded parsing: nesting and size are checked by a linear scan before YAML runs, so no input
// can exhaust the stack or abort the process (30,000 nested `[` did, in round 1), and the
// bounds sit far above every real file.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../src/definitions/index.js";
import {
  findTooDeep,
  MAX_FILE_CHARS,
  MAX_FRONTMATTER_CHARS,
  MAX_NAME_CHARS,
  MAX_NESTING,
  nestingDepth,
} from "../../src/definitions/limits.js";
import { CORPUS_DIR, requireShared, SEEDS_DIR } from "../support/shared.js";

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else if (/\.(md|txt)$/.test(name)) out.push(full);
  }
  return out;
}

function frontmatterLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() !== "");
  if (start === -1 || !/^\s*---\s*$/.test(lines[start]!)) return [];
  const end = lines.findIndex((l, i) => i > start && /^\s*(---+|\.\.\.)\s*$/.test(l));
  return end === -1 ? [] : lines.slice(start + 1, end);
}

/** A frontmatter whose `key` nests `depth` levels in one of the ways YAML allows. */
const nested = {
  flowSequence: (depth: number) => `tools: ${"[".repeat(depth)}Read${"]".repeat(depth)}`,
  flowMap: (depth: number) => `extra: ${"{a: ".repeat(depth)}1${"}".repeat(depth)}`,
  unclosed: (depth: number) => `description: ${"[".repeat(depth)}`,
  mixed: (depth: number) => `skills: ${"[{a: ".repeat(Math.ceil(depth / 2))}x`,
  // Indentation grows with depth: past a few thousand levels the text itself is the problem.
  blockMaps: (depth: number) =>
    `${Array.from({ length: Math.min(depth, 2_000) }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1`,
  blockSequences: (depth: number) => `list:\n${"- ".repeat(depth)}x`,
};

const agent = (frontmatter: string) =>
  `---\nname: nested\ndescription: Nests.\n${frontmatter}\n---\n\nBody.\n`;

describe("bounded parsing", () => {
  it("sits far above every real file (corpus and seeds)", () => {
    if (!requireShared(CORPUS_DIR)) return;
    let largestFile = 0;
    let largestFrontmatter = 0;
    let deepest = 0;
    for (const path of [...filesUnder(CORPUS_DIR), ...filesUnder(SEEDS_DIR)]) {
      const text = readFileSync(path, "utf8");
      const fm = frontmatterLines(text);
      largestFile = Math.max(largestFile, text.length);
      largestFrontmatter = Math.max(largestFrontmatter, fm.join("\n").length);
      deepest = Math.max(deepest, nestingDepth(fm));
    }
    // The figures the comment in src/definitions/limits.ts quotes.
    expect(largestFile).toBeLessThan(MAX_FILE_CHARS / 10);
    expect(largestFrontmatter).toBeLessThan(MAX_FRONTMATTER_CHARS / 4);
    expect(deepest).toBeLessThan(MAX_NESTING / 8);
  });

  it.each(Object.entries(nested))(
    "refuses %s nesting past the limit, with where, and reads it below",
    (_, shape) => {
      const below = parseDefinition(agent(shape(MAX_NESTING - 8)), { path: "agents/nested.md" });
      expect(below.diagnostics.filter((d) => d.code === "frontmatter-too-deep")).toEqual([]);
      const just = parseDefinition(agent(shape(MAX_NESTING + 1)), { path: "agents/nested.md" });
      const refused = just.diagnostics.filter((d) => d.code === "frontmatter-too-deep");
      expect(refused).toHaveLength(1);
      expect(refused[0]!.severity).toBe("error");
      expect(refused[0]!.line).toBeGreaterThanOrEqual(4);
      expect(refused[0]!.column).toBeGreaterThan(1);
      // Deeper, and the text may be over a size limit first: refused all the same, with one error.
      for (const depth of [1_000, 30_000, 200_000]) {
        const def = parseDefinition(agent(shape(depth)), { path: "agents/nested.md" });
        const codes = def.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
        expect(codes).toHaveLength(1);
        expect(["frontmatter-too-deep", "frontmatter-too-large", "file-too-large"]).toContain(codes[0]);
      }
    },
  );

  it("never throws and never nests past the limit unnoticed, whatever brackets and indents it gets", () => {
    const piece = fc.constantFrom("[", "]", "{", "}", "a: ", "- ", "\n", "  ", ", ", '"', "'", "x", "#", "|");
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 3_000 }),
        fc.integer({ min: 1, max: 400 }),
        (pieces, repeat) => {
          const body = pieces.join("").repeat(Math.max(1, Math.floor(repeat / 50)));
          const def = parseDefinition(agent(`x: ${body}`), { path: "agents/fuzz.md" });
          const lines = frontmatterLines(agent(`x: ${body}`));
          const tooDeep = findTooDeep(lines) !== null;
          expect(def.diagnostics.some((d) => d.code === "frontmatter-too-deep")).toBe(tooDeep);
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  });

  it("refuses a file or a frontmatter over the size limits", () => {
    const huge = parseDefinition(`---\nname: big\n---\n${"x".repeat(MAX_FILE_CHARS)}`, {
      path: "agents/big.md",
    });
    expect(huge.diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
    const manifest = parseDefinition(`{"name": "${"p".repeat(MAX_FILE_CHARS)}"}`, {
      path: "p/.claude-plugin/plugin.json",
    });
    expect(manifest.diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
    const description = `description: "${"y".repeat(MAX_FRONTMATTER_CHARS)}"`;
    const wide = parseDefinition(`---\nname: wide\n${description}\n---\nBody\n`, { path: "agents/wide.md" });
    expect(wide.diagnostics.find((d) => d.code === "frontmatter-too-large")).toMatchObject({
      severity: "error",
      line: 1,
    });
  });

  it("refuses a name longer than the limit, and keeps the file name", () => {
    const def = parseDefinition(
      `---\nname: ${"n".repeat(MAX_NAME_CHARS + 1)}\ndescription: Long.\n---\nBody\n`,
      {
        path: "agents/long-name.md",
      },
    );
    expect(def.name).toBe("long-name");
    expect(def.diagnostics.find((d) => d.code === "name-too-long")).toMatchObject({
      severity: "error",
      line: 2,
    });
  });
});
