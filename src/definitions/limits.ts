// Bounds on what the reader parses, checked by linear scans before any parser runs. The YAML
// library recurses once per nesting level: 30,000 nested `[` in a frontmatter aborted the
// process (V8's "RegExpCompiler Allocation failed", exit 134) in the importer, in `validate`
// and in every request that re-read the stored file. Real definitions are far inside these
// bounds: in the corpus and the seeds the largest file is 49,294 characters, the largest
// frontmatter 1,742 and the deepest nesting 3 levels (test/unit/limits.test.ts measures them on every run).

/** A definition file longer than this (in UTF-16 code units, about bytes for ASCII) is refused. */
export const MAX_FILE_CHARS = 1_000_000;
/** Frontmatter longer than this is refused: it is metadata, not a document. */
export const MAX_FRONTMATTER_CHARS = 200_000;
/** An agent, skill or command name longer than this is refused (the longest in the corpus: 47). */
export const MAX_NAME_CHARS = 128;
/** Nesting deeper than this (flow brackets and block indentation together) is refused. */
export const MAX_NESTING = 64;

export interface TooDeep {
  depth: number;
  /** 0-based line and column in the scanned lines. */
  line: number;
  column: number;
}

/**
 * The first place where YAML text nests deeper than `limit`, or null. Counts open flow
 * collections (`[`, `{`) and block levels (a line more indented than the one it belongs to,
 * and each `- ` that opens a sequence entry on it). Brackets inside quotes count too: this
 * over-counts and never under-counts, and no real file comes near the limit either way.
 * One pass, no recursion, no regular expressions.
 */
export function findTooDeep(lines: readonly string[], limit = MAX_NESTING): TooDeep | null {
  return scan(lines, limit).tooDeep;
}

/** The deepest nesting in the text, as findTooDeep counts it (tests measure real files). */
export function nestingDepth(lines: readonly string[]): number {
  return scan(lines, Number.POSITIVE_INFINITY).max;
}

function scan(lines: readonly string[], limit: number): { max: number; tooDeep: TooDeep | null } {
  let max = 0;
  const deeper = (line: number, column: number): TooDeep | null => {
    const depth = indents.length + flow;
    if (depth > max) max = depth;
    return depth > limit ? { depth, line, column } : null;
  };
  const indents: number[] = [];
  let flow = 0;
  for (let l = 0; l < lines.length; l++) {
    const text = lines[l]!;
    let i = 0;
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
    if (i === text.length || text[i] === "#") continue;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      // `- - - x`: each dash opens a level.
      while (text[i] === "-" && (text[i + 1] === " " || text[i + 1] === undefined)) {
        indents.push(i + 1);
        i += 2;
        while (text[i] === " ") i++;
      }
      const tooDeep = deeper(l, i);
      if (tooDeep) return { max, tooDeep };
    }
    // Most lines hold no bracket at all: the native search skips them.
    if (flow === 0 && text.indexOf("[", i) === -1 && text.indexOf("{", i) === -1) continue;
    for (let c = i; c < text.length; c++) {
      const ch = text[c];
      if (ch === "[" || ch === "{") {
        flow++;
        const tooDeep = deeper(l, c);
        if (tooDeep) return { max, tooDeep };
      } else if ((ch === "]" || ch === "}") && flow > 0) {
        flow--;
      }
    }
  }
  return { max, tooDeep: null };
}
