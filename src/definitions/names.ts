// Agent names are written in many ways: `frontend-developer`, `Frontend Architect`,
// `**Project Manager Senior**`. Everything is compared in kebab-case.

/** Removes Markdown emphasis and code markers around a name. */
export function stripMarkup(text: string): string {
  return text.replace(/\*\*|__|`|\*|~~/g, "").trim();
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Frontend Architect" → "frontend-architect"; "**backend_architect**" → "backend-architect". */
export function toKebab(text: string): string {
  // Most names already are kebab-case; the reader asks for thousands of them per file.
  if (KEBAB.test(text)) return text;
  const plain = stripMarkup(text);
  // Unicode normalization (to drop accents) is the slow step, and plain ASCII never needs it.
  if (!/[^ -~\t\n\r]/.test(plain)) return asciiKebab(plain);
  return plain
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The same steps for ASCII text in one pass (a hyphen between a lower-case letter or digit and
 * a capital, lower case, runs of anything else one hyphen, none at the ends): the four
 * replacements were a twentieth of the reader's time, most of it on section titles.
 */
function asciiKebab(text: string): string {
  let out = "";
  let pending = false;
  let prev = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    if (lower || digit || upper) {
      if (upper && ((prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57))) pending = true;
      if (pending && out.length > 0) out += "-";
      pending = false;
      out += upper ? String.fromCharCode(c + 32) : text[i];
    } else {
      pending = true;
    }
    prev = c;
  }
  return out;
}

const NAME_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+){0,7}$/;

/**
 * Whether a piece of text reads as an agent's name rather than prose: at most six words,
 * no sentence punctuation, and a kebab-case form that is a plausible identifier.
 */
export function asAgentName(text: string): string | null {
  const plain = stripMarkup(text);
  if (plain.length === 0 || plain.length > 60) return null;
  if (/[.!?;,()[\]{}"'/\\]/.test(plain)) return null;
  const words = plain.split(/[\s_]+/).filter(Boolean);
  if (words.length > 6) return null;
  // Prose starts lower-case and has spaces ("the backend team"); names have either hyphens or
  // capitalised words.
  if (words.length > 1 && !words.every((w) => /^[A-Z0-9]/.test(w))) return null;
  const kebab = toKebab(plain);
  return NAME_RE.test(kebab) ? kebab : null;
}

/** The name a file's path suggests: `agents/backend-architect.md` → `backend-architect`. */
export function nameFromPath(path: string | null, kind: string): string {
  if (!path) return "unnamed";
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts.at(-1) ?? "unnamed";
  // A skill is named by its folder: skills/<name>/SKILL.md.
  if (kind === "skill" && /^skill\.md$/i.test(file) && parts.length >= 2) return toKebab(parts.at(-2)!);
  return toKebab(file.replace(/\.[^.]*$/, "")) || "unnamed";
}
