// A deterministic synthetic catalog (seeded): agents with the shape of real ones, 5 to 10
// tools, 0 to 8 skills, collaboration out-degree averaging 6 with a long tail, examples in the
// description, and bodies of several KB. Used by the benchmarks and by tests that need volume.
import type { ImportFile } from "../src/catalog/import.js";

/** mulberry32: small, fast, and the same sequence for the same seed everywhere (the fuzzer's too). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = [
  "Read",
  "Write",
  "Edit",
  "Bash",
  "Grep",
  "Glob",
  "WebFetch",
  "WebSearch",
  "TaskCreate",
  "TaskList",
  "mcp__github__create_issue",
  "mcp__github__create_pull_request",
  "mcp__linear__create_ticket",
  "mcp__slack__post_message",
  "mcp__postgres__query",
  "NotebookEdit",
  "Bash(git:*)",
];
const ROLES = [
  "architect",
  "engineer",
  "reviewer",
  "analyst",
  "writer",
  "tester",
  "planner",
  "operator",
  "designer",
  "auditor",
];
const AREAS = [
  "api",
  "data",
  "frontend",
  "mobile",
  "infra",
  "security",
  "billing",
  "search",
  "growth",
  "ml",
  "docs",
  "release",
];
const WORDS =
  "design build review measure ship document test migrate secure observe scale cache index query deploy rollback plan estimate refactor profile".split(
    " ",
  );

const SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "vo", "ne", "pi", "da", "go", "ru"];

/**
 * The k-th word of a 1,728-word pseudo vocabulary ("kalomi"): each agent's description names
 * three of them as its focus, so that full-text search has rare words to find, as real
 * catalogs do (the sentence words above occur in nearly every agent).
 */
export function topicWord(k: number): string {
  const i = ((k % 1728) + 1728) % 1728;
  return SYLLABLES[Math.floor(i / 144)]! + SYLLABLES[Math.floor(i / 12) % 12]! + SYLLABLES[i % 12]!;
}

export interface SyntheticOptions {
  agents: number;
  seed?: number;
  /** Agents per plugin namespace. */
  pluginSize?: number;
}

export function agentName(i: number): string {
  return `${AREAS[i % AREAS.length]}-${ROLES[Math.floor(i / AREAS.length) % ROLES.length]}-${i}`;
}

/** Out-degree with a long tail: most agents name a handful, a few name dozens. Mean about 6. */
function degree(rnd: () => number): number {
  const u = rnd();
  return Math.min(60, Math.floor(-Math.log(1 - u) * 5.6) + 1);
}

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
  const s = out.join(" ");
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

export function syntheticCatalog(options: SyntheticOptions): ImportFile[] {
  const rnd = mulberry32(options.seed ?? 42);
  const n = options.agents;
  const pluginSize = options.pluginSize ?? 50;
  const files: ImportFile[] = [];
  for (let i = 0; i < n; i++) {
    const name = agentName(i);
    const plugin = `plugin-${Math.floor(i / pluginSize)}`;
    const toolCount = 5 + Math.floor(rnd() * 6);
    const tools = new Set<string>();
    while (tools.size < toolCount) tools.add(TOOLS[Math.floor(rnd() * TOOLS.length)]!);
    const skillCount = Math.floor(rnd() * 9);
    const skills = Array.from({ length: skillCount }, () => `skill-${Math.floor(rnd() * 200)}`);
    const out = degree(rnd);
    const targets = new Set<number>();
    // Mostly neighbours in the same plugin (teams), some anywhere.
    while (targets.size < Math.min(out, n - 1)) {
      const j =
        rnd() < 0.7
          ? Math.floor(i / pluginSize) * pluginSize + Math.floor(rnd() * pluginSize)
          : Math.floor(rnd() * n);
      if (j !== i && j < n) targets.add(j);
    }
    const list = [...targets];
    const topics = [0, 1, 2].map(() => topicWord(Math.floor(rnd() * 1728)));
    const downstream = list.filter((_, k) => k % 3 !== 2);
    const peers = list.filter((_, k) => k % 3 === 2);
    const examples = Array.from(
      { length: 1 + Math.floor(rnd() * 2) },
      (_, k) =>
        `<example>\\nContext: ${sentence(rnd, 6)}\\nuser: "${sentence(rnd, 8)}"\\nassistant: "I'll use the ${name} agent for case ${k}."\\n<commentary>\\n${sentence(rnd, 10)}\\n</commentary>\\n</example>`,
    );
    const body: string[] = [`# ${name}`, "", sentence(rnd, 30), ""];
    for (let s = 0; s < 5; s++) {
      body.push(`## ${sentence(rnd, 3).slice(0, -1)}`, "");
      for (let p = 0; p < 4; p++) body.push(`- ${sentence(rnd, 14)}`);
      body.push("", sentence(rnd, 40), "");
    }
    body.push("## Cross-Agent Collaboration", "", "### Downstream Deliverables (Provides Output To)");
    for (const j of downstream) {
      body.push(`- **${agentName(j)}** ← ${sentence(rnd, 5)}`, `  - **Output Format**: ${sentence(rnd, 4)}`);
    }
    body.push("", "### Peer Collaboration (Works Alongside)");
    for (const j of peers) body.push(`- **${agentName(j)}** ↔ **${name}**: ${sentence(rnd, 4)}`);
    body.push("");
    const front = [
      "---",
      `name: ${name}`,
      `description: ${sentence(rnd, 20)} Focus: ${topics.join(", ")}.\\n\\n${examples.join("\\n")}`,
      `model: ${["sonnet", "opus", "haiku", "inherit"][i % 4]}`,
      `tools: ${[...tools].join(", ")}`,
      ...(skills.length > 0 ? [`skills: ${[...new Set(skills)].join(", ")}`] : []),
      `color: ${["blue", "green", "red", "purple"][i % 4]}`,
      "---",
    ];
    files.push({
      path: `plugins/${plugin}/agents/${name}.md`,
      kind: "agent",
      text: `${[...front, ...body].join("\n")}\n`,
    });
  }
  return files;
}
