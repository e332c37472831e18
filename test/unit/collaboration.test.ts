import { describe, expect, it } from "vitest";
import { parseAgent } from "../support/parse.js";

const edges = (body: string, name = "api-designer") =>
  parseAgent(`---\nname: ${name}\ndescription: d\n---\n${body}`).collaborations.map(
    (c) => `${c.kind}:${c.from}>${c.to}`,
  );

describe("collaboration edges", () => {
  it("reads upstream, downstream and peer sections with their attributes, phase and evidence", () => {
    const body = [
      "## Collaboration",
      "### Upstream Dependencies (Receives Input From)",
      "**Discovery Phase**:",
      "- **product-owner** → User stories with acceptance criteria",
      "  - **Input Format**: Markdown stories",
      "  - **Quality Gate**: Stories are estimated",
      "### Downstream Deliverables (Provides Output To)",
      "- **QA Engineer** ← Endpoints ready for testing",
      "  - **Handoff Location**: `docs/api/`",
      "### Peer Collaboration (Works Alongside)",
      "- **ux-researcher** ↔ **api-designer**: error message wording",
      "",
    ].join("\n");
    const def = parseAgent(`---\nname: api-designer\ndescription: d\n---\n${body}`);
    expect(def.collaborations.map((c) => `${c.kind}:${c.from}>${c.to}`)).toEqual([
      "handoff:product-owner>api-designer",
      "handoff:api-designer>qa-engineer",
      "peer:api-designer>ux-researcher",
    ]);
    const up = def.collaborations[0]!;
    expect(up.summary).toBe("User stories with acceptance criteria");
    expect(up.attributes).toEqual({ inputFormat: "Markdown stories", qualityGate: "Stories are estimated" });
    expect(up.phase).toBe("Discovery Phase");
    expect(up.evidence).toEqual({
      line: 8,
      text: "- **product-owner** → User stories with acceptance criteria",
    });
    expect(def.collaborations[1]!.attributes).toEqual({ handoffLocation: "`docs/api/`" });
    expect(def.collaborations[2]!.summary).toBe("error message wording");
  });

  it("reads arrows that went through a Windows-1252 mis-decoding", () => {
    const body =
      "### Upstream Dependencies\n- **a-team** \u00e2\u2020\u2019 specs\n### Downstream Deliverables\n- **b-team** \u00e2\u2020 results\n### Peer Collaboration\n- **c-team** \u00e2\u2020\u201d **api-designer**: sync\n";
    expect(edges(body)).toEqual([
      "handoff:a-team>api-designer",
      "handoff:api-designer>b-team",
      "peer:api-designer>c-team",
    ]);
  });

  it("reads ASCII arrows between two named agents regardless of section", () => {
    expect(edges("## Peer Collaboration\n- **writer** -> **editor**: drafts\n")).toEqual([
      "handoff:writer>editor",
    ]);
  });

  it("reads 'Working with X' subsections under a collaboration heading", () => {
    const body =
      "## Collaboration Protocol\n### Working with Database Architect\n- schemas\n### Working with `security-engineer`\n- auth\n";
    expect(edges(body)).toEqual([
      "peer:api-designer>database-architect",
      "peer:api-designer>security-engineer",
    ]);
  });

  it("does not read a 'Peer review' section as peers", () => {
    expect(edges("## Peer review\n- **Checklist**: run it\n")).toEqual([]);
  });

  it("ignores 'Working with' headings outside collaboration sections", () => {
    expect(edges("## Tips\n### Working with Large Files\n- stream them\n")).toEqual([]);
  });

  it("reads 'Integration with other agents:' lists", () => {
    const body =
      "Integration with other agents:\n- Collaborate with backend-architect on API contracts\n- Coordinate with **Frontend Developer** for UI states\n- Keep notes short\n\nUnrelated list:\n- Collaborate with everyone\n";
    expect(edges(body)).toEqual([
      "peer:api-designer>backend-architect",
      "peer:api-designer>frontend-developer",
    ]);
  });

  it("skips code blocks and prose that is not a name", () => {
    const body =
      "### Upstream Dependencies\n```\n- **fake** → inside code\n```\n- the whole platform team, really → everything\n";
    expect(edges(body)).toEqual([]);
  });
});
