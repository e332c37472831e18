// Skills come from the frontmatter (`skills: a, b` or a list) and from body sections such as
// "Required Skills", whose list items name a skill in backticks or bold.
import { linesBetween, type ScannedBody, sectionRange } from "./body.js";
import type { DiagnosticList } from "./diagnostics.js";
import { toKebab } from "./names.js";
import type { SkillRef } from "./types.js";

const SKILL_SECTION = /\bskills?\b/i;
const ITEM_NAME = /^\s*[-*+]\s+(?:\*\*)?`([^`]+)`|^\s*[-*+]\s+\*\*([^*`]+)\*\*/;

export function readFrontmatterSkills(
  present: boolean,
  value: unknown,
  diagnostics: DiagnosticList,
  line: number,
): SkillRef[] {
  if (!present || value === null || value === undefined) return [];
  const names: string[] = [];
  if (typeof value === "string") names.push(...value.split(/[,\n]/));
  else if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v === "string") names.push(v);
      else if (v && typeof v === "object" && "name" in v) names.push(String((v as { name: unknown }).name));
      else
        diagnostics.warn(
          "skills-item",
          `a skill entry is not a name: ${JSON.stringify(v)}`,
          line,
          1,
          "skills",
        );
    }
  } else {
    diagnostics.warn(
      "skills-type",
      "`skills` should be a list or a comma-separated string",
      line,
      1,
      "skills",
    );
    return [];
  }
  const out: SkillRef[] = [];
  for (const n of names) {
    const name = n.trim().replace(/^["'`]|["'`]$/g, "");
    if (name && !out.some((s) => s.name === name)) out.push({ name, origin: "frontmatter" });
  }
  return out;
}

export function readBodySkills(body: ScannedBody, known: readonly SkillRef[]): SkillRef[] {
  const out: SkillRef[] = [];
  const has = (name: string) => known.some((s) => s.name === name) || out.some((s) => s.name === name);
  body.sections.forEach((section, k) => {
    if (!SKILL_SECTION.test(section.title)) return;
    // Nested sections ("Core Agency Skills" under "Required Skills") are read with their parent.
    const parent = body.parents[k]!;
    if (parent !== -1 && SKILL_SECTION.test(body.sections[parent]!.title)) return;
    const { start, end } = sectionRange(body, k);
    for (const line of linesBetween(body, start, end)) {
      if (line.code) continue;
      const m = ITEM_NAME.exec(line.text);
      if (!m) continue;
      const written = (m[1] ?? m[2] ?? "").trim();
      // File names (`templates/config.yaml`) in a skills section are not skills.
      if (/\.[a-z]{1,5}$|\/|\s{2,}/i.test(written)) continue;
      const name = toKebab(written);
      if (!name || has(name)) continue;
      out.push({ name, origin: "body", evidence: { line: line.index + 1, text: line.text } });
    }
  });
  return out;
}
