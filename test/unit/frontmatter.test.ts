import { describe, expect, it } from "vitest";
import { codes, parseAgent } from "../support/parse.js";

describe("frontmatter", () => {
  it("reads strict YAML and keeps unknown keys", () => {
    const def = parseAgent(
      "---\nname: api-helper\ndescription: Helps.\nmodel: opus\ncolor: teal\npriority: 3\nowners: [ana, ben]\n---\nBody\n",
    );
    expect(def.name).toBe("api-helper");
    expect(def.source.frontmatter.format).toBe("yaml");
    expect(def.model).toEqual({ raw: "opus", family: "opus" });
    expect(def.color).toBe("teal");
    expect(def.extra).toEqual({ priority: 3, owners: ["ana", "ben"] });
    expect(def.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("recovers fields line by line when a description has an unquoted ': ', with the YAML error's position", () => {
    const def = parseAgent(
      "---\nname: doc-writer\ndescription: Writes docs. Note: links are checked\ntools: *\nmodel: haiku\n---\n",
    );
    expect(def.source.frontmatter.format).toBe("tolerant");
    expect(def.description).toBe("Writes docs. Note: links are checked");
    expect(def.tools.mode).toBe("all");
    expect(def.model?.family).toBe("haiku");
    const warn = def.diagnostics.find((d) => d.code === "yaml-invalid");
    expect(warn).toMatchObject({ severity: "warning", line: 3 });
    expect(warn?.column).toBeGreaterThan(1);
    expect(warn?.message).toMatch(/line 3, column \d+/);
  });

  it("reads `tools: *` alone as all tools", () => {
    const def = parseAgent("---\nname: x\ndescription: d\ntools: *\n---\n");
    expect(def.tools).toEqual({ mode: "all", items: [] });
    expect(codes(def)).toContain("yaml-invalid");
  });

  it("accepts a blank first line, indented delimiters and a long closing line", () => {
    const def = parseAgent("\n  ---\n  name: spaced-out\n  description: Indented.\n  -------\n# Title\n");
    expect(def.name).toBe("spaced-out");
    expect(def.description).toBe("Indented.");
    expect(def.sections.map((s) => s.title)).toEqual(["Title"]);
    expect(def.sections[0]!.line).toBe(6);
  });

  it("reads CRLF files with a BOM", () => {
    const text =
      "\uFEFF---\r\nname: windows-agent\r\ndescription: From Windows.\r\ntools: Read, Write\r\n---\r\n## Duties\r\n- one\r\n";
    const def = parseAgent(text);
    expect(def.name).toBe("windows-agent");
    expect(def.description).toBe("From Windows.");
    expect(def.tools.items.map((t) => t.name)).toEqual(["Read", "Write"]);
    expect(def.source.bom).toBe(true);
    expect(def.source.lineEnding).toBe("\r\n");
    expect(def.sections[0]).toMatchObject({ title: "Duties", line: 6 });
  });

  it("names a file without frontmatter after the file, with a warning", () => {
    const def = parseAgent("# Just prose\n\nNo metadata here.\n", { path: "agents/Plain_Helper.md" });
    expect(def.name).toBe("plain-helper");
    expect(def.nameOrigin).toBe("filename");
    expect(def.diagnostics.find((d) => d.code === "no-frontmatter")?.severity).toBe("warning");
  });

  it("recognizes metadata given as a Markdown list", () => {
    const def = parseAgent(
      "# Release Manager\n\n- **name:** release-manager\n- **Description**: Plans releases.\n- **tools:** Read, Bash\n\n## Duties\n",
    );
    expect(def.name).toBe("release-manager");
    expect(def.nameOrigin).toBe("markdown-list");
    expect(def.description).toBe("Plans releases.");
    expect(def.tools.items.map((t) => t.name)).toEqual(["Read", "Bash"]);
    const warn = def.diagnostics.find((d) => d.code === "frontmatter-markdown-list");
    expect(warn).toMatchObject({ severity: "warning", line: 3 });
  });

  it("reports an unclosed frontmatter and reads the rest as body", () => {
    const def = parseAgent("---\nname: never-closed\n\n# Heading\n");
    expect(codes(def)).toContain("frontmatter-unclosed");
    expect(def.sections.map((s) => s.title)).toEqual(["Heading"]);
  });

  it("reports a field of the wrong type with its line, and keeps the rest", () => {
    const def = parseAgent("---\nname: typed\ndescription:\n  nested: map\nmodel: sonnet\n---\n");
    const err = def.diagnostics.find((d) => d.code === "description-type");
    expect(err).toMatchObject({ severity: "error", line: 3, field: "description" });
    expect(def.model?.raw).toBe("sonnet");
  });

  it("warns about a name that is not kebab-case and normalizes it", () => {
    const def = parseAgent("---\nname: Backend Architect\ndescription: d\n---\n");
    expect(def.name).toBe("backend-architect");
    expect(codes(def)).toContain("name-not-kebab");
  });

  it("maps model strings to a family", () => {
    const family = (m: string) =>
      parseAgent(`---\nname: m\ndescription: d\nmodel: ${m}\n---\n`).model?.family;
    expect(family("claude-3-5-sonnet-20241022")).toBe("sonnet");
    expect(family("inherit")).toBe("inherit");
    expect(family("fable")).toBe("other");
  });

  it("reports empty and binary files as errors without throwing", () => {
    expect(codes(parseAgent(""))).toEqual(["empty"]);
    expect(codes(parseAgent("a\u0000b"))).toEqual(["binary"]);
  });
});
