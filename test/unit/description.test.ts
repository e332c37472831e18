import { describe, expect, it } from "vitest";
import { unescapeNewlines } from "../../src/definitions/description.js";
import { codes, parseAgent } from "../support/parse.js";

describe("description", () => {
  it("turns literal \\n escapes into newlines in plain scalars", () => {
    const def = parseAgent("---\nname: a\ndescription: First line.\\n\\nSecond line.\n---\n");
    expect(def.description).toBe("First line.\n\nSecond line.");
  });

  it("reads a double-quoted value's real line breaks as they are", () => {
    const def = parseAgent('---\nname: a\ndescription: "Real\\nbreak"\n---\n');
    expect(def.description).toBe("Real\nbreak");
    expect(codes(def)).not.toContain("description-escaped-newlines");
  });

  it("reads `\\\\n` in a double-quoted value (a literal backslash-n after YAML) as a line break, with a warning", () => {
    const text =
      '---\nname: a\ndescription: "Use it for books.\\\\n\\\\n<example>\\\\nContext: month end\\\\nuser: \\"close\\"\\\\nassistant: \\"I will\\"\\\\n</example>\\\\n\\\\n\\\\n"\n---\n';
    const def = parseAgent(text);
    expect(def.description).toBe("Use it for books.");
    expect(def.examples.map((e) => [e.context, e.user, e.assistant])).toEqual([
      ["month end", "close", "I will"],
    ]);
    expect(codes(def)).toContain("description-escaped-newlines");
  });

  it("keeps examples whose user: and assistant: lines start at the margin, never as frontmatter keys", () => {
    const text = [
      "---",
      "name: a",
      "description: Use this agent for invoices. Examples:",
      "<example>",
      "Context: month end",
      'user: "check these"',
      'assistant: "I will check them"',
      "<commentary>",
      "needs it",
      "</commentary>",
      "</example>",
      "<example>",
      "Context: second",
      'user: "again"',
      'assistant: "ok"',
      "</example>",
      "model: sonnet",
      "---",
      "",
    ].join("\n");
    const def = parseAgent(text);
    expect(def.description).toBe("Use this agent for invoices.");
    expect(def.examples.map((e) => [e.context, e.user, e.assistant, e.commentary])).toEqual([
      ["month end", "check these", "I will check them", "needs it"],
      ["second", "again", "ok", null],
    ]);
    expect(def.extra).toEqual({});
    expect(def.model?.raw).toBe("sonnet");
    expect(codes(def)).toContain("frontmatter-example-keys");
  });

  it("does not take `user` and `assistant` keys that YAML accepted as frontmatter keys", () => {
    const text =
      '---\nname: a\ndescription: Use it when books close.\nuser: "close them"\nassistant: "I will"\n---\n';
    const def = parseAgent(text);
    expect(def.extra).toEqual({});
    expect(def.description).toContain('user: "close them"');
    expect(codes(def)).toContain("frontmatter-example-keys");
  });

  it("reads tagged examples (<context>, <user_request>, <assistant_response>)", () => {
    const text =
      '---\nname: a\ndescription: "Helps. <example><context>Night batch</context><user_request>run it</user_request><assistant_response>I will run it</assistant_response><commentary>why</commentary></example>"\n---\n';
    const def = parseAgent(text);
    expect(def.description).toBe("Helps.");
    expect(def.examples.map((e) => [e.context, e.user, e.assistant, e.commentary])).toEqual([
      ["Night batch", "run it", "I will run it", "why"],
    ]);
  });

  it("warns about an example without a user or assistant turn", () => {
    const def = parseAgent(
      "---\nname: a\ndescription: Helps. <example>Context: only context</example>\n---\n",
    );
    expect(codes(def)).toContain("example-incomplete");
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
