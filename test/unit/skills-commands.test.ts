import { describe, expect, it } from "vitest";
import { parseAgent } from "../support/parse.js";

describe("skills", () => {
  it("reads a comma string and a list", () => {
    expect(
      parseAgent("---\nname: a\ndescription: d\nskills: one, two-b\n---\n").skills.map((s) => s.name),
    ).toEqual(["one", "two-b"]);
    expect(
      parseAgent("---\nname: a\ndescription: d\nskills:\n  - one\n  - two\n---\n").skills.map((s) => s.name),
    ).toEqual(["one", "two"]);
  });

  it("reads skills named in body sections, with evidence, without repeating frontmatter ones", () => {
    const body =
      "## 📚 Required Skills\n### Core\n- **`one`** - first\n- **`extra-skill`** - only in the body\n```\nactivate: not-a-skill\n```\n- `templates/config.yaml`\n## Other\n- **`not-here`**\n";
    const def = parseAgent(`---\nname: a\ndescription: d\nskills: [one]\n---\n${body}`);
    expect(def.skills).toEqual([
      { name: "one", origin: "frontmatter" },
      {
        name: "extra-skill",
        origin: "body",
        evidence: { line: 9, text: "- **`extra-skill`** - only in the body" },
      },
    ]);
  });
});

describe("commands", () => {
  it("finds namespaced slash commands and bare ones in code where the line speaks of commands", () => {
    const body =
      "- **`/agency:work [issue]`** - build\nRun `/tidy-up` after, see `/api/users` and /agency:work again.\nThe `/health` route answers.\n```\n/agency:hidden\n```\n";
    const def = parseAgent(`---\nname: a\ndescription: d\n---\n${body}`);
    expect(def.commands.map((c) => [c.name, c.evidence.line])).toEqual([
      ["/agency:work", 5],
      ["/tidy-up", 6],
    ]);
  });
});

describe("sections", () => {
  it("keys sections by heading without emoji, including mis-decoded emoji", () => {
    const def = parseAgent(
      "---\nname: a\ndescription: d\n---\n## 🧠 Your Identity\ntext\n## \u00f0\u0178\u017d\u00af Core Mission:\n# Not a heading in code?\n```\n# comment\n```\n",
    );
    expect(def.sections.map((s) => [s.title, s.key, s.level, s.line])).toEqual([
      ["Your Identity", "your-identity", 2, 5],
      ["Core Mission", "core-mission", 2, 7],
      ["Not a heading in code?", "not-a-heading-in-code", 1, 8],
    ]);
    expect(def.sections[0]!.text).toBe("text");
  });
});
