// Skills come from the frontmatter (`skills: a, b` or a list) and from body sections such as
// "Required Skills", whose list items name a skill in backticks or bold.
import { linesBetween, type ScannedBody, sectionRange } from "./body.js";
import type { DiagnosticList } from "./diagnostics.js";
import { toKebab } from "./names.js";
import type { SkillRef } from "./types.js";

const SKILL_SECTION = /\bskills?\b/i;
const TECHNOLOGIES =
  /^(?:(?:core|key|primary|preferred|supported)\s+)?(?:technolog(?:y|ies)(?:\s+stack)?|tech(?:nical)?\s+stack|stack|(?:testing|test|dev(?:elopment)?|build|monitoring|security)\s+tools|tools?(?:\s+(?:and|&)\s+(?:technologies|frameworks|platforms))?|frameworks?(?:\s+(?:and|&)\s+librar(?:y|ies))?|librar(?:y|ies)|languages?|platforms?|tooling)$/i;
// A bold label alone on its line ("**Testing Tools:**", "**Technology Stack**"), or as a list
// item ending in a colon ("- **Testing Tools**:"); "- **Tooling Audit**" is an item.
const LABEL = /^\s*\*\*([^*]+?):?\*\*:?\s*$|^\s*[-*+]\s+\*\*([^*]+?)(?::\*\*|\*\*:)\s*$/;
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
    // Technologies are listed under their own headings or labels inside a skills section
    // ("### Technology Stack", "**Testing Tools:**"): React and Jest are not skills to load.
    let techUntilLevel = 0;
    let techLabel = false;
    let j = k;
    for (const line of linesBetween(body, start, end)) {
      if (line.code) continue;
      const nested = body.sections[j + 1];
      if (nested && nested.line === line.index + 1) {
        j++;
        if (techUntilLevel && nested.level <= techUntilLevel) techUntilLevel = 0;
        if (!techUntilLevel && TECHNOLOGIES.test(nested.title)) techUntilLevel = nested.level;
        techLabel = false;
        continue;
      }
      if (techUntilLevel) continue;
      const label = LABEL.exec(line.text);
      if (label) {
        techLabel = TECHNOLOGIES.test(label[1] ?? label[2]!);
        continue;
      }
      if (techLabel) continue;
      const m = ITEM_NAME.exec(line.text);
      if (!m) continue;
      const written = (m[1] ?? m[2] ?? "").trim();
      // "- **Testing Tools**: Jest, Playwright" lists technologies; the label is no skill either.
      if (TECHNOLOGIES.test(written)) continue;
      // File names (`templates/config.yaml`) in a skills section are not skills.
      if (/\.[a-z]{1,5}$|\/|\s{2,}/i.test(written)) continue;
      const name = toKebab(written);
      if (!name || has(name)) continue;
      out.push({ name, origin: "body", evidence: { line: line.index + 1, text: line.text } });
    }
  });
  return out;
}
