import { describe, expect, it } from "vitest";
import { unescapeNewlines } from "../../src/definitions/description.js";
import { parseAgent } from "../support/parse.js";

describe("description", () => {
  it("turns literal \\n escapes into newlines in plain scalars", () => {
    const def = parseAgent("---\nname: a\ndescription: First line.\\n\\nSecond line.\n---\n");
    expect(def.description).toBe("First line.\n\nSecond line.");
  });

  it("does not unescape a double-quoted value twice", () => {
    // YAML already turned \n into a newline; the escaped backslash stays a literal backslash-n.
    const def = parseAgent('---\nname: a\ndescription: "Real\\nbreak and a literal \\\\n here"\n---\n');
    expect(def.description).toBe("Real\nbreak and a literal \\n here");
  });

  it("keeps an escaped backslash before n", () => {
    expect(unescapeNewlines("a\\nb \\\\n c")).toBe("a\nb \\\\n c");
  });

  it("splits <example> blocks into structured examples and keeps the prose", () => {
    const text =
      '---\nname: a\ndescription: Use it for invoices.\\n\\nExamples:\\n- <example>\\n  Context: Month end\\n  user: "Close the books"\\n  assistant: "I\'ll use the a agent"\\n  <commentary>\\n  Closing needs it.\\n  </commentary>\\n</example>\n---\n';
    const def = parseAgent(text);
    expect(def.description).toBe("Use it for invoices.");
    expect(def.examples).toHaveLength(1);
    expect(def.examples[0]).toMatchObject({
      context: "Month end",
      user: "Close the books",
      assistant: "I'll use the a agent",
      commentary: "Closing needs it.",
    });
  });

  it("reads one-line examples with single quotes", () => {
    const text =
      "---\nname: a\ndescription: Helps. Examples: <example>Context: x happens. user: 'do y' assistant: 'I will' <commentary>because z</commentary></example> <example>Context: second. user: 'again' assistant: 'ok'</example>\n---\n";
    const def = parseAgent(text);
    expect(def.description).toBe("Helps.");
    expect(def.examples.map((e) => [e.context, e.user, e.assistant, e.commentary])).toEqual([
      ["x happens.", "do y", "I will", "because z"],
      ["second.", "again", "ok", null],
    ]);
  });

  it("reads folded block descriptions", () => {
    const def = parseAgent("---\nname: a\ndescription: >\n  Folded over\n  two lines.\n---\n");
    expect(def.description).toBe("Folded over two lines.");
  });
});
