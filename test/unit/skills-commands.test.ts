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

describe("technologies are not skills", () => {
  const skillsOf = (body: string) =>
    parseAgent(`---\nname: a\ndescription: d\n---\n${body}`).skills.map((s) => s.name);

  it("skips a Technology Stack or Testing Tools heading inside a skills section", () => {
    const body = [
      "## Required Skills",
      "- `release-notes`",
      "### Technology Stack",
      "- **React**",
      "- `node`",
      "### Testing Tools",
      "- **Jest**",
      "### Review Skills",
      "- `code-review-checklist`",
      "## Workflow",
      "- **Plan**",
    ].join("\n");
    expect(skillsOf(body)).toEqual(["release-notes", "code-review-checklist"]);
  });

  it("skips the items under a bold technology label, and the label itself", () => {
    const body = [
      "## Skills",
      "- `incident-triage`",
      "",
      "**Testing Tools:**",
      "- `playwright`",
      "- **Vitest**",
      "",
      "**Playbooks:**",
      "- `rollback-plan`",
      "- **Technology Stack**: Go, Postgres",
    ].join("\n");
    expect(skillsOf(body)).toEqual(["incident-triage", "rollback-plan"]);
  });

  it("a skill whose name has 'tools' in it is still a skill", () => {
    expect(skillsOf("## Skills\n- `dev-tools-setup`\n- **Tooling Audit**")).toEqual([
      "dev-tools-setup",
      "tooling-audit",
    ]);
  });
});
