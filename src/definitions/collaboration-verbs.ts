// What a sentence says one agent does with another. The verb gives the direction:
// - out (this agent → the named one): hand off, pass, delegate, escalate, defer, route, provide
//   … to, send, feed … into, consult, engage, dispatch, call, use x for;
// - in (the named one → this agent): receive, take, get … from, "arriving from", "x hands off";
// - peer: collaborate, work, partner, coordinate, sync, pair, align, share … with, support,
//   guide, help, assist, enable, complement.
// How sure the name must look depends on the verb and on where the sentence stands: a list
// titled "Integration with other agents" names agents, free prose mostly does not
// (see Certainty in ./agent-names.ts).
import { type Certainty, type NamedTarget, namesAt } from "./agent-names.js";

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
const proseHeads: string[] = [];
for (const verb of VERBS) {
  verb.sticky = new RegExp(verb.re.source, "iy");
  verb.head = head(verb.re.source.replace(/^\\b\(\?:/, ""));
  if (!heads.includes(verb.head)) heads.push(verb.head);
  if (verb.prose && !proseHeads.includes(verb.head)) proseHeads.push(verb.head);
}
// Case-sensitive on the lower-cased text: an /i alternation of 200 words scans more slowly.
const HEADS = new RegExp(`\\b(?:${heads.join("|")})\\b`, "g");
const HEADS_ANY_CASE = new RegExp(HEADS.source, "gi");
// Free prose has fewer verbs ("support x" says nothing outside a list made for agents).
const PROSE_HEADS = new RegExp(`\\b(?:${proseHeads.join("|")})\\b`, "g");
const PROSE_HEADS_ANY_CASE = new RegExp(PROSE_HEADS.source, "gi");
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

/** Where each verb's words stand in the text: its expression is tried there and nowhere else. */
function verbsIn(text: string, lower: string, inList: boolean): Map<string, number[]> {
  const found = new Map<string, number[]>();
  // Lower-casing keeps offsets for all but a few letters (İ); then the slow way.
  const same = lower.length === text.length;
  const re = inList ? (same ? HEADS : HEADS_ANY_CASE) : same ? PROSE_HEADS : PROSE_HEADS_ANY_CASE;
  const subject = same ? lower : text;
  re.lastIndex = 0;
  for (let m = re.exec(subject); m !== null; m = re.exec(subject)) {
    for (let h = 0; h < heads.length; h++) {
      if (!EACH_HEAD[h]!.test(m[0])) continue;
      const at = found.get(heads[h]!);
      if (at) at.push(m.index);
      else found.set(heads[h]!, [m.index]);
    }
  }
  return found;
}

/** Every agent a sentence says this agent works with, and how. */
export function verbEdges(text: string, inList: boolean): VerbEdge[] {
  const out: VerbEdge[] = [];
  const taken = new Set<number>();
  const lower = text.toLowerCase();
  const found = verbsIn(text, lower, inList);
  for (const verb of VERBS) {
    const certainty = inList ? verb.list : verb.prose;
    if (!certainty) continue;
    const positions = found.get(verb.head!);
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
  HANDS_OFF_TO_ME.lastIndex = 0;
  for (
    let m = lower.includes(" off") ? HANDS_OFF_TO_ME.exec(text) : null;
    m !== null;
    m = HANDS_OFF_TO_ME.exec(text)
  ) {
    const [n] = namesAt(m[0].replace(/[ \t]+hands?[ \t]+off$/i, ""), "titled");
    if (n) out.push({ direction: "in", target: shift(n, m.index), index: m.index });
  }
  TO_AN_AGENT.lastIndex = 0;
  for (
    let m = lower.includes("agent") ? TO_AN_AGENT.exec(text) : null;
    m !== null;
    m = TO_AN_AGENT.exec(text)
  ) {
    const at = m.index + m[0].length;
    if (taken.has(at)) continue;
    const [n] = namesAt(text.slice(at), "marked");
    if (n?.agentWord) out.push({ direction: "out", target: shift(n, at), index: m.index });
  }
  return out;
}

function shift(n: NamedTarget, by: number): NamedTarget {
  return { ...n, index: n.index + by };
}
