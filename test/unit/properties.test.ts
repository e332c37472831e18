import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDefinition, render } from "../../src/definitions/index.js";

// Text built from the pieces real definitions are made of, so that random input reaches the
// frontmatter, tools, example and collaboration code paths rather than only plain prose.
const piece = fc.constantFrom(
  "---",
  "-----",
  "  ---",
  "name: x",
  "name: [a, b]",
  "description: a: b",
  "description: |",
  "tools: *",
  "tools:",
  "  essential: [Read]",
  "- Read",
  "skills: a, b",
  "model: opus",
  "<example>",
  "</example>",
  "Context: c user: 'u' assistant: 'a'",
  "<commentary>",
  "\\n",
  "## Upstream Dependencies",
  "### Working with Foo Bar",
  "- **a-b** → c",
  "- **x** ↔ **y**: z",
  "\u00e2\u2020\u2019",
  "Integration with other agents:",
  "- Collaborate with q-r on s",
  "```",
  "~~~",
  "# 🧠 Title",
  "- **name:** n",
  "/ns:cmd",
  "\uFEFF",
  "\u0000",
  "",
);
const eol = fc.constantFrom("\n", "\r\n", "\r", "");
const structured = fc
  .array(fc.tuple(piece, fc.string({ maxLength: 6 }), eol), { maxLength: 30 })
  .map((parts) => parts.map(([p, s, e]) => p + s + e).join(""));
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), structured);
const kind = fc.constantFrom(
  "agents/a.md",
  "skills/s/SKILL.md",
  "commands/c.md",
  "p/.claude-plugin/plugin.json",
);

describe("properties", () => {
  it("random text never throws and always yields diagnostics with valid positions", () => {
    fc.assert(
      fc.property(anyText, kind, (text, path) => {
        const def = parseDefinition(text, { path });
        for (const d of def.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
        expect(def.diagnostics.some((d) => d.code === "internal")).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it("render(parse(text)) equals text", () => {
    fc.assert(
      fc.property(anyText, kind, (text, path) => {
        expect(render(parseDefinition(text, { path }))).toBe(text);
      }),
      { numRuns: 1500 },
    );
  });
});
