// What a sentence says one agent does with another. The verb gives the direction:
// - out (this agent → the named one): hand off, pass, delegate, escalate, defer, route, provide
//   … to, send, feed … into, consult, engage, dispatch, call, use x for;
// - in (the named one → this agent): receive, take, get … from, "arriving from", "x hands off";
// - peer: collaborate, work, partner, coordinate, sync, pair, align, share … with, support,
//   guide, help, assist, enable, complement.
// How sure the name must look depends on the verb and on where the sentence stands: a list
// titled "Integration with other agents" names agents, free prose mostly does not
// (see Certainty in ./agent-names.ts).
import { type Certainty, type NamedTarget, namesAt, RANK } from "./agent-names.js";

export type Direction = "out" | "in" | "peer";

export interface VerbEdge {
  direction: Direction;
  target: NamedTarget;
  /** Offset in the text where the verb phrase starts. */
  index: number;
}

interface Verb {
  re: RegExp;
  /** The verb's words alone, found for all verbs in one pass before any expression runs. */
  head?: string;
  /** `re`, tried only where the head stands. */
  sticky?: RegExp;
  direction: Direction;
  /** Certainty in free prose; null: only in lists made for agents. */
  prose: Certainty | null;
  /** Certainty in lists made for agents. */
  list: Certainty;
  /**
   * Only hyphenated names that end the phrase ("use security-auditor for audits", "→ call
   * `docs-architect`") or are followed by "agent": "use `data-testid` selectors" names a tool.
   */
  identifier?: boolean;
  /** Not code spans: "routing to `grpo-rlvr-training`" names a skill, not an agent. */
  noCode?: boolean;
}

// Agent names end in a role: security-auditor, docs-architect, code-reviewer, python-pro.
const ROLE_END = /(?:er|or|ist|ian|ant|ect|pro|expert|bot|agent|lead|judge|guard|keeper|smith|scout|guide)$/;
const ENDS_PHRASE = /^\s*(?:$|[.,;:)—–]|-\s|\*\*|for\b|to\b|when\b|if\b|on\b|as\b)/;

function accepts(verb: Verb, n: NamedTarget): boolean {
  if (n.agentWord) return true;
  if (verb.identifier && !(n.identifier && ROLE_END.test(n.name) && ENDS_PHRASE.test(n.next))) return false;
  if (verb.noCode && n.code) return false;
  return true;
}

const GAP = (n: number) => `(?:[\\w'’-]+[ \\t]+){0,${n}}?`;
const v = (source: string) => new RegExp(`\\b(?:${source})[ \\t]+`, "gi");

// Longer phrases first: "consult with" is a peer, "consult" alone is a handoff.
const VERBS: Verb[] = [
  {
    re: v(
      `hand(?:s|ed|ing)?(?:[ \\t]+(?:it|this|them|that|work|everything))?[ \\t]*-?[ \\t]*offs?(?:[ \\t]+${GAP(4)})?[ \\t]*(?:directly[ \\t]+)?(?:back[ \\t]+)?to`,
    ),
    direction: "out",
    prose: "loose",
    list: "loose",
  },
  {
    re: v(`hand(?:s|ed|ing)?[ \\t]+${GAP(4)}(?:back[ \\t]+)?to`),
    direction: "out",
    prose: "titled",
    list: "titled",
  },
  {
    re: v(`pass(?:es|ed|ing)?[ \\t]+${GAP(3)}(?:back[ \\t]+)?to`),
    direction: "out",
    prose: "loose",
    list: "loose",
  },
  {
    re: v(`(?:delegat|escalat)(?:e|es|ed|ing)[ \\t]+${GAP(4)}(?:back[ \\t]+)?to`),
    direction: "out",
    prose: "titled",
    list: "titled",
  },
  { re: v(`defer(?:s|red|ring)?[ \\t]+${GAP(5)}to`), direction: "out", prose: "titled", list: "titled" },
  {
    re: v(
      `(?:route|routes|routed|routing|assign|assigns|assigned|forward|forwards|submit|submits)[ \\t]+${GAP(4)}(?:back[ \\t]+)?to`,
    ),
    direction: "out",
    prose: "titled",
    list: "titled",
    noCode: true,
  },
  {
    re: v(`(?:message|messages|messaging|ping|pings|notify|notifies)`),
    direction: "out",
    prose: "titled",
    list: "titled",
  },
  {
    re: v(
      `(?:send|sends|sent|deliver|delivers|delivered|provide|provides|provided|communicate|communicates|flag|flags|report|reports|give|gives|feed|feeds|pipe|pipes|push|pushes)[ \\t]+${GAP(5)}(?:to|into)`,
    ),
    direction: "out",
    prose: "titled",
    list: "titled",
  },
  {
    re: v(
      `(?:receive|receives|received|receiving|take|takes|taken|taking|get|gets|accept|accepts|arriving|arrives|coming|comes|pull|pulls|consume|consumes|request|requests)[ \\t]+${GAP(5)}from`,
    ),
    direction: "in",
    prose: "titled",
    list: "titled",
  },
  {
    re: v(
      `(?:collaborat|cooperat|coordinat|liais|integrat|interfac)(?:e|es|ed|ing)[ \\t]+(?:closely[ \\t]+|together[ \\t]+)?with`,
    ),
    direction: "peer",
    prose: "marked",
    list: "titled",
  },
  {
    re: v(
      `(?:work|works|worked|working|partner|partners|partnering|sync|syncs|syncing|align|aligns|aligning|consult|consults|consulting|engage|engages|engaging|team[ \\t]+up|teams[ \\t]+up)[ \\t]+(?:closely[ \\t]+|together[ \\t]+|directly[ \\t]+)?with`,
    ),
    direction: "peer",
    prose: "marked",
    list: "titled",
  },
  { re: v(`pair(?:s|ed|ing)?(?:[ \\t]+up)?[ \\t]+with`), direction: "peer", prose: "strict", list: "titled" },
  { re: v(`shar(?:e|es|ed|ing)[ \\t]+${GAP(5)}with`), direction: "peer", prose: "marked", list: "titled" },
  {
    re: v(`(?:consult|consults|consulted|consulting|engage|engages|engaged|engaging)(?![ \\t]+with)`),
    direction: "out",
    prose: "strict",
    list: "titled",
  },
  { re: v(`dispatch(?:es|ed|ing)?`), direction: "out", prose: "strict", list: "titled" },
  {
    re: v(
      `(?:call|calls|invoke|invokes|spawn|spawns|launch|launches|use|uses|using|bring[ \\t]+in|loop[ \\t]+in)`,
    ),
    direction: "out",
    prose: "strict",
    list: "titled",
    identifier: true,
  },
  {
    re: v(
      `(?:support|supports|supporting|guide|guides|guiding|help|helps|helping|assist|assists|assisting|enable|enables|enabling|mentor|mentors|advise|advises|complement|complements|complementing)`,
    ),
    direction: "peer",
    prose: null,
    list: "titled",
  },
  { re: v(`alongside`), direction: "peer", prose: "strict", list: "titled" },
];

// "the training engineer hands off a checkpoint": the agent before the verb gives the work.
const HANDS_OFF_TO_ME =
  /\b(?:the[ \t]+)?((?:[\w-]+[ \t]+){0,2}[\w-]+)[ \t]+hands?[ \t]+off\b(?![ \t]+to\b)/gi;
// "print the list to the developer agent": any verb, when the name says it is an agent.
const TO_AN_AGENT = /\bto[ \t]+(?=(?:the[ \t]+)?[\w-]+(?:[ \t]+[\w-]+)?[ \t]+(?:sub-?)?agent\b)/gi;

// One pass finds which verbs a text holds, and only those verbs' expressions run: a unit of
// prose would otherwise pass through 20 expressions, which made the reader twice as slow
// (readProse took 97 ms of a 170 ms pass over the corpus, measured with performance.now()).
const heads: string[] = [];
// Heads of the verbs free prose reads, by the least certainty their names may have: a text
// with no markup, hyphen or "agent" can only name an agent in Title Case or as a role ("hand
// off to QA", "delegate to the security engineer"), so only the verbs that take such names
// (titled, loose) are looked for in it; a text with hyphens but no markup, also the strict ones.
const proseHeads: string[][] = [[], [], [], []];
for (const verb of VERBS) {
  verb.sticky = new RegExp(verb.re.source, "iy");
  verb.head = head(verb.re.source.replace(/^\\b\(\?:/, ""));
  if (!heads.includes(verb.head)) heads.push(verb.head);
  if (!verb.prose) continue;
  for (let r = 0; r <= RANK[verb.prose]; r++)
    if (!proseHeads[r]!.includes(verb.head)) proseHeads[r]!.push(verb.head);
}
// Case-sensitive on the lower-cased text: an /i alternation of 200 words scans more slowly.
const HEADS = new RegExp(`\\b(?:${heads.join("|")})\\b`, "g");
const HEADS_ANY_CASE = new RegExp(HEADS.source, "gi");
// Free prose has fewer verbs ("support x" says nothing outside a list made for agents).
const PROSE_HEADS = proseHeads.map((h) => new RegExp(`\\b(?:${h.join("|")})\\b`, "g"));
const PROSE_HEADS_ANY_CASE = PROSE_HEADS.map((re) => new RegExp(re.source, "gi"));
const EACH_HEAD = heads.map((h) => new RegExp(`^(?:${h})$`, "i"));

/** The verb's own words: the expression up to its first space outside parentheses. */
function head(source: string): string {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "(") {
      if (depth === 0 && source.startsWith("(?:[ \\t]", i)) return source.slice(0, i);
      depth++;
    } else if (c === ")") {
      if (depth === 0) return source.slice(0, i);
      depth--;
    } else if (c === "[" && depth === 0) return source.slice(0, i);
  }
  return source;
}

// Each verb's head, by its index in `heads`.
const HEAD_OF = VERBS.map((verb) => heads.indexOf(verb.head!));
// Gates for the two expressions that scan every word: run them only where their words stand.
const HANDS_OFF = /hands?[ \t]+off\b/;
const AGENT_WORD = /[ \t](?:sub-?)?agent\b/;

/**
 * Where each verb's words stand in the text, by head index: its expression is tried there and
 * nowhere else. Null when the text holds none (most texts).
 */
function verbsIn(text: string, lower: string, inList: boolean): (number[] | undefined)[] | null {
  let found: (number[] | undefined)[] | null = null;
  // Lower-casing keeps offsets for all but a few letters (İ); then the slow way.
  const same = lower.length === text.length;
  const r = inList ? 0 : proseRank(text, lower);
  const re = inList ? (same ? HEADS : HEADS_ANY_CASE) : same ? PROSE_HEADS[r]! : PROSE_HEADS_ANY_CASE[r]!;
  const subject = same ? lower : text;
  re.lastIndex = 0;
  for (let m = re.exec(subject); m !== null; m = re.exec(subject)) {
    for (let h = 0; h < heads.length; h++) {
      if (!EACH_HEAD[h]!.test(m[0])) continue;
      found ??= new Array(heads.length);
      const at = found[h];
      if (at) at.push(m.index);
      else found[h] = [m.index];
    }
  }
  return found;
}

const LEAD_LABEL = /^(?:\*\*[^*]+\*\*|`[^`]+`)/;
const MARKUP = /[*`@_]/;
const HYPHENATED = /[A-Za-z0-9]-[A-Za-z0-9]/;

/**
 * The least certainty (RANK) a name in this prose can have, from what the text holds: markup
 * or "agent" anywhere (any name), a hyphenated word (strict and up), neither (titled and up).
 * A leading bold label ("**Scope**: …") is not markup a name after a verb could be in.
 */
function proseRank(text: string, lower: string): number {
  if (lower.includes("agent")) return 0;
  const label = text.charCodeAt(0) === 42 || text.charCodeAt(0) === 96 ? LEAD_LABEL.exec(text) : null;
  if (label) {
    const k = label[0].startsWith("**") ? 2 : 1;
    if (MARKUP.test(label[0].slice(k, -k)) || MARKUP.test(text.slice(label[0].length))) return 0;
  } else if (MARKUP.test(text)) return 0;
  return HYPHENATED.test(text) ? RANK.strict : RANK.titled;
}

/** Every agent a sentence says this agent works with, and how. */
export function verbEdges(text: string, inList: boolean): VerbEdge[] {
  const out: VerbEdge[] = [];
  const lower = text.toLowerCase();
  const found = verbsIn(text, lower, inList);
  let taken: Set<number> | null = null;
  if (found) {
    taken = new Set<number>();
    for (let i = 0; i < VERBS.length; i++) {
      const verb = VERBS[i]!;
      const certainty = inList ? verb.list : verb.prose;
      if (!certainty) continue;
      const positions = found[HEAD_OF[i]!];
      if (!positions) continue;
      for (const p of positions) {
        verb.sticky!.lastIndex = p;
        const m = verb.sticky!.exec(text);
        if (!m) continue;
        const at = m.index + m[0].length;
        if (taken.has(at)) continue;
        const names = namesAt(text.slice(at), certainty).filter((n) => accepts(verb, n));
        if (names.length === 0) continue;
        taken.add(at);
        for (const n of names) out.push({ direction: verb.direction, target: shift(n, at), index: m.index });
      }
    }
  }
  if (HANDS_OFF.test(lower)) {
    HANDS_OFF_TO_ME.lastIndex = 0;
    for (let m = HANDS_OFF_TO_ME.exec(text); m !== null; m = HANDS_OFF_TO_ME.exec(text)) {
      const [n] = namesAt(m[0].replace(/[ \t]+hands?[ \t]+off$/i, ""), "titled");
      if (n) out.push({ direction: "in", target: shift(n, m.index), index: m.index });
    }
  }
  if (AGENT_WORD.test(lower)) {
    TO_AN_AGENT.lastIndex = 0;
    for (let m = TO_AN_AGENT.exec(text); m !== null; m = TO_AN_AGENT.exec(text)) {
      const at = m.index + m[0].length;
      if (taken?.has(at)) continue;
      const [n] = namesAt(text.slice(at), "marked");
      if (n?.agentWord) out.push({ direction: "out", target: shift(n, at), index: m.index });
    }
  }
  return out;
}

function shift(n: NamedTarget, by: number): NamedTarget {
  return { ...n, index: n.index + by };
}
