// The agents a phrase names. Bodies name agents as `database-architect`, **Frontend Developer**,
// `@deep-synthesizer`, "the C4-Code agent", "the training engineer" or "TikTok Strategist", and
// teams as "All Agents" or "Product Team". A name is kept as written (markup removed) and in
// kebab-case; matching it against the catalog's names (tiktok-strategist for "TikTok
// Strategist") is the importer's job, because only the catalog knows which agents exist.
import { toKebab } from "./names.js";

export interface NamedTarget {
  /** kebab-case form of the name. */
  name: string;
  /** The name as written, markup removed. */
  written: string;
  /** A group of agents ("All Agents", "Engineering Team") rather than one agent. */
  group: boolean;
  /** Where the name started in the phrase (for the evidence line of wrapped text). */
  index: number;
  /** Followed by "agent" or "subagent" ("the C4-Code agent"). */
  agentWord: boolean;
  /** Hyphenated: written the way agent names are (`classDiagram`, `broadcast` are not). */
  identifier: boolean;
  /** In a code span. */
  code: boolean;
  /** The text right after the name, for callers that judge by what follows. */
  next: string;
}

/**
 * How much a phrase must look like a name to be taken for one, weakest context first:
 * - marked: bold, code or @ markup, or followed by "agent" ("work with `qa-bot`" in any prose);
 * - strict: also a hyphenated word (after "delegate to", "defer … to" in any prose);
 * - titled: also Title Case names of two or more words and "the <speciality> engineer"
 *   (in lists made for agents, and after "hand off to");
 * - loose: also one capitalised word ("Passing to QA", "Handing off to Architect").
 */
export type Certainty = "marked" | "strict" | "titled" | "loose";
export const RANK: Record<Certainty, number> = { marked: 0, strict: 1, titled: 2, loose: 3 };

const MARKED = /^(?:\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`|\*([^*]+)\*)/;
const AT_NAME = /^@([A-Za-z][\w-]*)/;
const KEBAB_WORD = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/i;
const ROLE_NOUN =
  /^(?:engineer|architect|reviewer|developer|designer|writer|analyst|auditor|specialist|manager|planner|tester|orchestrator|strategist|expert|coordinator|researcher|editor|owner|lead|judge|scout|curator|builder|author|advisor|optimizer|admin|administrator)s?$/i;
const GROUP_TAIL = /^(?:team|teams|squad|department|guild|agents|crew|group)$/i;
// Words that follow "to"/"with" but are not agents (people, the caller, pronouns).
const NOT_AGENT = new Set([
  "user",
  "users",
  "human",
  "humans",
  "you",
  "me",
  "them",
  "it",
  "this",
  "that",
  "claude",
  "stakeholders",
  "main",
  "parent",
  "calling",
  "primary",
  "other",
  "others",
  "each",
  "every",
  "same",
  "next",
  "previous",
  "right",
  "appropriate",
  "relevant",
  "specialized",
  "general",
  "purpose",
  "task",
  "tool",
  "counsel",
  "management",
  "leadership",
  "production",
  "correct",
  "best",
  "any",
  "dedicated",
  "whole",
  "entire",
  "a",
  "an",
  "parallel",
  "multiple",
  "several",
  "separate",
  "new",
  "sub",
]);
// "`finetuning-method-selection`'s decision tree" is a document's part, not an agent.
const POSSESSIVE = /^['’]s\b/;
// What follows a name: punctuation, the end, or a preposition; another lower-case word means the
// hyphenated word was an adjective ("non-technical stakeholders").
const ADJECTIVE_BEFORE =
  /^[ \t]+(?!(?:on|for|to|with|in|at|when|during|about|regarding|around|so|if|before|after|by|from|into|via|and|or|as|that|who|which|whenever|until|while|once|instead|rather|directly|immediately|first|next|then|before|where|agents?|subagents?)\b)[a-z]/;
const LEAD_ARTICLE = /^(?:the|a|an|our|your|its|their)\s+/i;
const AGENT_TAIL = /^\s*(?:sub-?)?agents?\b/i;

/** One name at the start of `text` (after optional article), or null. */
export function nameAt(text: string, certainty: Certainty, offset = 0): NamedTarget | null {
  let t = text;
  let index = offset;
  const article = LEAD_ARTICLE.exec(t);
  if (article) {
    t = t.slice(article[0].length);
    index += article[0].length;
  }
  const marked = MARKED.exec(t) ?? AT_NAME.exec(t);
  // "routed to an LLM-judge", "delegate to a specialist": any one of a kind, not a named agent.
  if (!marked && article && /^an?\s/i.test(article[0])) return null;
  if (marked) {
    const raw = (marked[1] ?? marked[2] ?? marked[3] ?? marked[4] ?? "").replace(/^@/, "").trim();
    return fromWords(raw, index, t.slice(marked[0].length), marked[0].startsWith("`"));
  }
  // Plain words up to punctuation or a lower-case function word.
  const words = /^[A-Za-z0-9][\w-]*(?:[ \t]+[A-Za-z0-9][\w-]*){0,4}/.exec(t);
  if (!words) return null;
  const list = words[0].split(/[ \t]+/);
  const kept: string[] = [];
  for (const w of list) {
    if (kept.length > 0 && /^[a-z]/.test(w) && !ROLE_NOUN.test(w)) break;
    kept.push(w);
  }
  return plainName(kept, certainty, index, t.slice(kept.join(" ").length), article !== null);
}

function fromWords(raw: string, index: number, after: string, code: boolean): NamedTarget | null {
  // "**senior (PM Agent)**": the parenthesis describes the name.
  const plain = raw.replace(/\s*\([^)]*\)\s*$/, "").trim();
  if (plain === "" || plain.length > 60 || /[.!?;,:"'[\]{}<>=]/.test(plain)) return null;
  if (/^[a-z]/.test(plain) && /\s/.test(plain) && !KEBAB_WORD.test(plain)) {
    // Lower-case prose inside bold is a label ("**defer to**"), not a name.
    return null;
  }
  if (POSSESSIVE.test(after)) return null;
  const words = plain.split(/[\s/_]+/).filter(Boolean);
  if (words.length > 6 || NOT_AGENT.has(plain.toLowerCase())) return null;
  const name = toKebab(plain);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) || /^\d/.test(name)) return null;
  return {
    name,
    written: plain,
    group: isGroup(words),
    index,
    agentWord: AGENT_TAIL.test(after),
    identifier: KEBAB_WORD.test(plain),
    code,
    next: after.slice(0, 16),
  };
}

function plainName(
  words: string[],
  certainty: Certainty,
  index: number,
  after: string,
  article: boolean,
): NamedTarget | null {
  if (words.length === 0) return null;
  const agentTail = AGENT_TAIL.test(after);
  const text = words.join(" ");
  if (NOT_AGENT.has(text.toLowerCase()) || NOT_AGENT.has(words[0]!.toLowerCase())) return null;
  if (POSSESSIVE.test(after)) return null;
  const named = (group: boolean) => {
    const name = toKebab(text);
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) || /^\d/.test(name)) return null;
    return {
      name,
      written: text,
      group,
      index,
      agentWord: agentTail,
      identifier: KEBAB_WORD.test(text),
      code: false,
      next: after.slice(0, 16),
    };
  };
  if (words.length === 1) {
    const w = words[0]!;
    // "spawn parallel agents": a kind of agent, not one.
    if (agentTail) return /^\s*(?:sub-?)?agents\b/i.test(after) && !KEBAB_WORD.test(w) ? null : named(false);
    // "to non-technical stakeholders": a hyphenated word before a noun is an adjective.
    if (KEBAB_WORD.test(w) && RANK[certainty] >= RANK.strict && !ADJECTIVE_BEFORE.test(after))
      return named(false);
    if (certainty === "loose" && /^[A-Z]/.test(w) && w.length > 1) return named(false);
    // "flag to the reviewer": one role word after an article.
    if (article && RANK[certainty] >= RANK.titled && ROLE_NOUN.test(w)) return named(false);
    return null;
  }
  const last = words.at(-1)!;
  const titled = words.every((w) => /^[A-Z0-9]/.test(w));
  if (titled && isGroup(words) && RANK[certainty] >= RANK.titled) return named(true);
  if (titled && (RANK[certainty] >= RANK.titled || agentTail)) return named(false);
  // "the training engineer", "the eval engineer": a role with its speciality.
  if (
    RANK[certainty] >= RANK.titled &&
    ROLE_NOUN.test(last) &&
    words.length <= 3 &&
    /^[a-z]/.test(words[0]!)
  ) {
    return named(false);
  }
  if (agentTail && words.length <= 3) return named(false);
  return null;
}

function isGroup(words: readonly string[]): boolean {
  if (words.length < 2) return false;
  const first = words[0]!.toLowerCase();
  if ((first === "all" || first === "every") && /^agents?$/i.test(words[1]!)) return true;
  const last = words.at(-1)!;
  return GROUP_TAIL.test(last) && !/^agents?$/i.test(last) && /^[A-Z]/.test(words[0]!) && /^[A-Z]/.test(last);
}

/**
 * Every name in a list written after a verb: "a-agent, **B Agent** and `c-agent` on …" →
 * a-agent, b-agent, c-agent. The list ends at the first thing that is not a name.
 */
export function namesAt(text: string, certainty: Certainty): NamedTarget[] {
  const out: NamedTarget[] = [];
  let rest = text;
  let offset = 0;
  for (let guard = 0; guard < 12; guard++) {
    const n = nameAt(rest, certainty, offset);
    if (!n) break;
    out.push(n);
    const consumed = consumedLength(rest, n, offset);
    offset += consumed;
    rest = rest.slice(consumed);
    const sep =
      /^\s*(?:agents?\b|subagents?\b)?\s*(?:\([^)]*\))?\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*\/\s*)/i.exec(
        rest,
      );
    if (!sep) break;
    offset += sep[0].length;
    rest = rest.slice(sep[0].length);
  }
  return out;
}

function consumedLength(rest: string, n: NamedTarget, offset: number): number {
  const start = n.index - offset;
  const m = MARKED.exec(rest.slice(start)) ?? AT_NAME.exec(rest.slice(start));
  if (m) return start + m[0].length;
  return start + n.written.length;
}
