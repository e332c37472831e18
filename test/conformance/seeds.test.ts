// The five seed documents say what they hold; the reader must find exactly that.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type MarkdownDefinition, render } from "../../src/definitions/index.js";
import { parseAgent } from "../support/parse.js";
import { requireShared, SEEDS_DIR } from "../support/shared.js";

const present = requireShared(SEEDS_DIR);

function seed(prefix: string): { text: string; def: MarkdownDefinition } {
  const file = readdirSync(SEEDS_DIR).find((f) => f.startsWith(prefix))!;
  const text = readFileSync(join(SEEDS_DIR, file), "utf8");
  return { text, def: parseAgent(text, { path: `agents/${file}` }) };
}

const peers = (d: MarkdownDefinition) => d.collaborations.filter((c) => c.kind === "peer").map((c) => c.to);
const handoffs = (d: MarkdownDefinition) =>
  d.collaborations.filter((c) => c.kind === "handoff").map((c) => `${c.from} → ${c.to}`);

describe.runIf(present)("seeds", () => {
  it("every seed reads without an error and renders back byte for byte", () => {
    for (const file of readdirSync(SEEDS_DIR)) {
      const text = readFileSync(join(SEEDS_DIR, file), "utf8");
      const def = parseAgent(text, { path: `agents/${file}` });
      expect(
        def.diagnostics.filter((d) => d.severity === "error"),
        file,
      ).toEqual([]);
      expect(def.name).toBe("backend-architect");
      expect(render(def) === text, file).toBe(true);
    }
  });

  it("seed 002: tiered tools, skills, commands, handoffs and peers", () => {
    const { def } = seed("002");
    const tier = (t: string) => def.tools.items.filter((i) => i.tier === t).map((i) => i.name);
    expect(tier("essential")).toEqual(["Read", "Write", "Edit", "Bash", "Grep", "Glob"]);
    expect(tier("optional")).toEqual(["WebFetch", "WebSearch"]);
    expect(tier("specialized")).toEqual([]);
    expect(def.skills.filter((s) => s.origin === "frontmatter").map((s) => s.name)).toEqual([
      "agency-workflow-patterns",
      "nextjs-16-expert",
      "typescript-5-expert",
      "supabase-latest-expert",
      "prisma-latest-expert",
      "drizzle-0-expert",
      "code-review-standards",
      "testing-strategy",
    ]);
    expect(def.commands.map((c) => c.name)).toEqual(["/agency:work", "/agency:plan", "/agency:implement"]);
    expect(handoffs(def)).toEqual([
      "senior-developer → backend-architect",
      "frontend-developer → backend-architect",
      "ai-engineer → backend-architect",
      "backend-architect → frontend-developer",
      "backend-architect → devops-automator",
      "backend-architect → senior-developer",
    ]);
    expect(peers(def)).toEqual(["frontend-developer", "ai-engineer", "devops-automator"]);
    const first = def.collaborations[0]!;
    expect(first.phase).toBe("Planning Phase");
    expect(Object.keys(first.attributes)).toEqual(["inputFormat", "qualityGate", "handoffLocation"]);
    expect(first.evidence.text).toContain("senior-developer");
    expect(def.sections.some((s) => s.key === "your-identity-memory")).toBe(true);
  });

  it("seed 000: peers from 'Working with' sections", () => {
    const { def } = seed("000");
    expect(peers(def)).toEqual(["database-architect", "security-engineer", "frontend-architect"]);
    expect(handoffs(def)).toEqual([]);
    expect(def.model).toEqual({ raw: "inherit", family: "inherit" });
  });

  it.each([
    ["000", 3],
    ["001", 2],
    ["003", 2],
    ["004", 3],
  ])("seed %s: its <example> blocks as structured examples", (prefix, count) => {
    const { def } = seed(prefix);
    expect(def.examples).toHaveLength(count);
    for (const e of def.examples) {
      expect(e.context).toBeTruthy();
      expect(e.user).toBeTruthy();
      expect(e.assistant).toBeTruthy();
      expect(e.commentary).toBeTruthy();
      expect(e.user).not.toMatch(/^["']|["']$/);
    }
    expect(def.description).toMatch(/^Use this agent/);
    expect(def.description).not.toMatch(/<example>|Examples?:\s*$/);
  });

  it("seed 004: examples keep their context and quotes are removed", () => {
    const { def } = seed("004");
    expect(def.examples[0]!.user).toBe(
      "My /api/users endpoint is taking 3 seconds to respond with 1000 users",
    );
    expect(def.examples[2]!.context).toMatch(/Prisma to Drizzle/);
  });
});
