import { describe, expect, it } from "vitest";
import { render } from "../../src/definitions/index.js";
import { classifyTool } from "../../src/definitions/tools.js";
import { parseAgent } from "../support/parse.js";

/** Lines that differ between two texts, as [index, before, after]. */
function changedLines(a: string, b: string): [number, string | undefined, string | undefined][] {
  const x = a.split("\n");
  const y = b.split("\n");
  const out: [number, string | undefined, string | undefined][] = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) out.push([i, x[i], y[i]]);
  return out;
}

const TEXT = [
  "---",
  "name: writer",
  "# a comment that must survive",
  "description: Writes. Note: carefully",
  "tools: Read, Write",
  "model: sonnet",
  "color: blue",
  "---",
  "# Body",
  "",
].join("\n");

describe("render", () => {
  it("gives back the exact bytes when nothing changed", () => {
    const crlf = `\uFEFF${TEXT.replace(/\n/g, "\r\n")}`;
    expect(render(parseAgent(TEXT))).toBe(TEXT);
    expect(render(parseAgent(crlf))).toBe(crlf);
  });

  it("changing tools changes only the tools line, keeping its string style", () => {
    const def = parseAgent(TEXT);
    def.tools = { mode: "list", items: [...def.tools.items, classifyTool("Grep", "none")] };
    const out = render(def);
    expect(changedLines(TEXT, out)).toEqual([[4, "tools: Read, Write", "tools: Read, Write, Grep"]]);
    expect(parseAgent(out).tools.items.map((t) => t.name)).toEqual(["Read", "Write", "Grep"]);
  });

  it("changing the model of a CRLF file keeps CRLF", () => {
    const crlf = TEXT.replace(/\n/g, "\r\n");
    const def = parseAgent(crlf);
    def.model = { raw: "opus", family: "opus" };
    expect(render(def)).toBe(crlf.replace("model: sonnet", "model: opus"));
  });

  it("rewrites a multi-line tiered tools block as a whole and nothing else", () => {
    const text =
      "---\nname: t\ndescription: d\ntools:\n  essential: [Read]\n  optional: [WebFetch]\ncolor: red\n---\nbody\n";
    const def = parseAgent(text);
    def.tools = { mode: "list", items: [classifyTool("Read", "essential")] };
    const out = render(def);
    expect(out).toBe(
      "---\nname: t\ndescription: d\ntools:\n  essential:\n    - Read\ncolor: red\n---\nbody\n",
    );
    expect(parseAgent(out).tools.items).toEqual([{ name: "Read", tier: "essential", kind: "builtin" }]);
  });

  it("removes a field, adds a field and edits an unknown key", () => {
    const def = parseAgent(TEXT);
    def.color = null;
    def.extra = { priority: 2 };
    const out = render(def);
    expect(out).toBe(TEXT.replace("color: blue\n", "priority: 2\n"));
  });

  it("changes the body without touching the frontmatter", () => {
    const def = parseAgent(TEXT);
    def.body = "# New body\n";
    expect(render(def)).toBe(TEXT.replace("# Body\n", "# New body\n"));
  });

  it("adds frontmatter to a file that had none", () => {
    const def = parseAgent("# Title\n", { path: "agents/lonely.md" });
    def.color = "green";
    expect(render(def)).toBe("---\ncolor: green\n---\n# Title\n");
  });

  it("edits a field given as a Markdown list in place", () => {
    const text = "# R\n\n- **name:** r\n- **model:** haiku\n";
    const def = parseAgent(text);
    def.model = { raw: "opus", family: "opus" };
    expect(render(def)).toBe("# R\n\n- **name:** r\n- **model:** opus\n");
  });

  it("renders a changed description with its examples so that they parse back", () => {
    const def = parseAgent("---\nname: e\ndescription: Old.\n---\n");
    def.description = "New prose.";
    def.examples = [{ context: "c", user: "u", assistant: "a", commentary: "why", text: "" }];
    const back = parseAgent(render(def));
    expect(back.description).toBe("New prose.");
    expect(back.examples[0]).toMatchObject({ context: "c", user: "u", assistant: "a", commentary: "why" });
  });
});
