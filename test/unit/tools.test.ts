import { describe, expect, it } from "vitest";
import { parseAgent } from "../support/parse.js";

const tools = (value: string | null) =>
  parseAgent(`---\nname: t\ndescription: d\n${value === null ? "" : `tools: ${value}\n`}---\n`).tools;

describe("tools", () => {
  it("splits a comma string with any spacing", () => {
    expect(tools("Read,Write ,  Edit").items.map((t) => t.name)).toEqual(["Read", "Write", "Edit"]);
  });

  it("reads a YAML list", () => {
    expect(tools("[Read, Grep]").items.map((t) => [t.name, t.tier])).toEqual([
      ["Read", "none"],
      ["Grep", "none"],
    ]);
  });

  it("reads a tiered map", () => {
    const def = parseAgent(
      "---\nname: t\ndescription: d\ntools:\n  essential: [Read, Bash]\n  optional:\n    - WebFetch\n  specialized: []\n---\n",
    );
    expect(def.tools.mode).toBe("list");
    expect(def.tools.items.map((t) => `${t.tier}:${t.name}`)).toEqual([
      "essential:Read",
      "essential:Bash",
      "optional:WebFetch",
    ]);
  });

  it("tells none, inherit and all apart", () => {
    expect(tools("[]").mode).toBe("none");
    expect(tools(null).mode).toBe("inherit");
    expect(tools("*").mode).toBe("all");
    expect(tools('"*"').mode).toBe("all");
  });

  it("classifies MCP tools, wildcards and other tokens, keeping them as written", () => {
    const items = tools("mcp__github__create_issue, mcp__slack__*, Bash(git:*), my custom tool?").items;
    expect(items).toEqual([
      { name: "mcp__github__create_issue", tier: "none", kind: "mcp", server: "github" },
      { name: "mcp__slack__*", tier: "none", kind: "wildcard", server: "slack" },
      { name: "Bash(git:*)", tier: "none", kind: "builtin" },
      { name: "my custom tool?", tier: "none", kind: "other" },
    ]);
  });

  it("reads allowed-tools of skills and commands", () => {
    const def = parseAgent("---\nname: s\ndescription: d\nallowed-tools: Read, Grep\n---\n", {
      path: "skills/s/SKILL.md",
    });
    expect(def.kind).toBe("skill");
    expect(def.tools.items.map((t) => t.name)).toEqual(["Read", "Grep"]);
  });
});
