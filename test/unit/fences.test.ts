// Fenced code blocks as CommonMark reads them (a fence closes only with a fence of the same
// character, at least as long, without an info string, indented at most three spaces), plus the
// one reading authors mean that decision 0013 adds: an info-string fence inside a fence opens a
// nested block that the next bare fence closes, so a template's inner fence does not end it.
import { describe, expect, it } from "vitest";
import { scanBody } from "../../src/definitions/body.js";
import { splitLines } from "../../src/definitions/lines.js";

/** The 1-based lines inside fences (fence lines included). */
const codeLines = (text: string) =>
  scanBody(splitLines(text), 0)
    .lines.filter((l) => l.code)
    .map((l) => l.index + 1);
const headings = (text: string) => scanBody(splitLines(text), 0).sections.map((s) => s.title);

describe("fences", () => {
  it("a longer fence is not closed by a shorter one", () => {
    expect(codeLines("````\n```\n# not a heading\n````\n# Heading\n")).toEqual([1, 2, 3, 4]);
    expect(headings("````\n```\n# not a heading\n````\n# Heading\n")).toEqual(["Heading"]);
  });

  it("a closing fence may be longer than the opening one", () => {
    expect(codeLines("```\ncode\n`````\n# After\n")).toEqual([1, 2, 3]);
  });

  it("tildes do not close backticks, nor backticks tildes", () => {
    expect(codeLines("```\n~~~\n# in code\n```\n")).toEqual([1, 2, 3, 4]);
    expect(codeLines("~~~\n```\n# in code\n~~~\n# out\n")).toEqual([1, 2, 3, 4]);
  });

  it("a fence with an info string never closes one: inside a fence it nests (decision 0013)", () => {
    expect(headings("```\n```js\nx\n```\n# still code?\n```\n# Out\n")).toEqual(["Out"]);
  });

  it("a fence indented four spaces is code text, not a fence", () => {
    expect(codeLines("```\n    ```\n# in code\n```\n# Out\n")).toEqual([1, 2, 3, 4]);
    expect(codeLines("   ```\ncode\n   ```\n# Out\n")).toEqual([1, 2, 3]);
  });

  it("a backtick fence's info string has no backtick: ```a`b is inline code, not a fence", () => {
    expect(codeLines("```a`b\n# Heading\n")).toEqual([]);
  });

  it("an unclosed fence runs to the end of the file", () => {
    expect(codeLines("# A\n```\n# B\n")).toEqual([2, 3]);
  });

  it("a markdown template with a nested fence ends at its own closer; what follows is read", () => {
    const text = "```markdown\n# Template\n```bash\nmake\n```\n## Template section\n```\n## Live\ntext\n";
    expect(codeLines(text)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(headings(text)).toEqual(["Live"]);
  });

  it("a four-backtick template holding three-backtick blocks closes only at four", () => {
    const text = "````markdown\n```\nx\n```\n# inside\n````\n# Live\n";
    expect(headings(text)).toEqual(["Live"]);
    expect(codeLines(text)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
