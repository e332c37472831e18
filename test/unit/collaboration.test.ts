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

  it("reads integration items with any verb, and the direction each verb gives", () => {
    const body = [
      "Integration with other agents:",
      "- Support copy-editor with house style",
      "- Hand off finished schemas to schema-reviewer",
      "- Receive domain models from domain-modeler",
      "- Consult pricing-analyst for discounts",
      "- Coordinate with press-liaison and social-scheduler on timing",
      "",
    ].join("\n");
    expect(edges(body)).toEqual([
      "peer:api-designer>copy-editor",
      "handoff:api-designer>schema-reviewer",
      "handoff:domain-modeler>api-designer",
      "handoff:api-designer>pricing-analyst",
      "peer:api-designer>press-liaison",
      "peer:api-designer>social-scheduler",
    ]);
  });

  it("keeps attribute bullets as attributes of an entry whose name has a slash or parentheses", () => {
    const body = [
      "### Upstream Dependencies",
      "- **Project Owner/User** → goals",
      "  - **Input Format**: a brief",
      "- **senior (PM Agent)** → backlog",
      "  - **Deliverable**: ranked list",
      "",
    ].join("\n");
    const def = parseAgent(`---\nname: api-designer\ndescription: d\n---\n${body}`);
    expect(def.collaborations.map((c) => `${c.from}>${c.to}`)).toEqual([
      "project-owner-user>api-designer",
      "senior>api-designer",
    ]);
    expect(def.collaborations[0]!.fromText).toBe("Project Owner/User");
    expect(def.collaborations[1]!.attributes).toEqual({ deliverable: "ranked list" });
  });

  it("marks group names as groups and keeps names as written", () => {
    const body =
      "## Integration with other agents\n- Coordinate with All Agents on blockers\n- Receive priorities from Product Team\n- Work with TikTok Strategist on hooks\n";
    const def = parseAgent(`---\nname: api-designer\ndescription: d\n---\n${body}`);
    expect(def.collaborations.map((c) => [c.kind, c.from, c.to, c.fromKind ?? c.toKind ?? "agent"])).toEqual([
      ["peer", "api-designer", "all-agents", "group"],
      ["handoff", "product-team", "api-designer", "group"],
      ["peer", "api-designer", "tik-tok-strategist", "agent"],
    ]);
    expect(def.collaborations[2]!.toText).toBe("TikTok Strategist");
  });

  it("reads workflow positions and delegation in the description", () => {
    const def = parseAgent(
      '---\nname: api-designer\ndescription: "Designs APIs. If billing → delegate to billing-clerk."\n---\n## Workflow Position\n- **After**: table-designer (tables first)\n- **Complements**: cache-tuner (caching), auth-warden (security)\n',
    );
    expect(def.collaborations.map((c) => `${c.kind}:${c.from}>${c.to}@${c.evidence.line}`)).toEqual([
      "handoff:table-designer>api-designer@6",
      "peer:api-designer>cache-tuner@7",
      "peer:api-designer>auth-warden@7",
      "handoff:api-designer>billing-clerk@3",
    ]);
  });

  it("does not read a template inside a markdown fence with a nested fence, and reads what follows", () => {
    const body =
      "```markdown\n# T\n```bash\nmake\n```\nIntegration with other agents:\n- Collaborate with ghost-writer on nothing\n```\n\n## Integration with other agents\n- Work with proof-reader on drafts\n";
    expect(edges(body)).toEqual(["peer:api-designer>proof-reader"]);
  });

  it("reads no edges from prose about people, quoted example requests or technology lists", () => {
    const body = [
      "You work with the gardener. Collaborate with neighbours on seeds.",
      '- "Design a system that coordinates with partner-apis"',
      "## Technology Stack",
      "- **Redis**: caching",
      "- Communicates clearly to non-technical stakeholders",
      "- Use time-skipping for fast feedback",
      "",
    ].join("\n");
    expect(edges(body)).toEqual([]);
  });

  it("reads an 'Integration with other agents:' list written inside a downstream section", () => {
    const body =
      "### Downstream Deliverables\n- **docs-writer** ← release notes\n\nIntegration with other agents:\n- Collaborate with docs-writer on changelogs\n- Coordinate with incident-commander for rollbacks\n";
    expect(edges(body)).toEqual([
      "handoff:api-designer>docs-writer",
      "peer:api-designer>docs-writer",
      "peer:api-designer>incident-commander",
    ]);
  });

  it("reads free prose after a leading bold label: the label is no name, its words and the rest are read", () => {
    const body = [
      "- **Escalation**: hand off to the Security Lead when secrets leak",
      "- **Review**: collaborate with `qa-bot` on every release",
      "- **Delegate to `perf-tuner`** when latency regresses",
      "- **After**: Schema Designer",
      "- **Scope**: covers React, Postgres and the Deploy Pipeline",
      "",
    ].join("\n");
    expect(edges(body).sort()).toEqual([
      "handoff:api-designer>perf-tuner",
      "handoff:api-designer>security-lead",
      "handoff:schema-designer>api-designer",
      "peer:api-designer>qa-bot",
    ]);
  });
});
