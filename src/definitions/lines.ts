// Line handling shared by the reader and the renderer. A file is kept as lines with their own
// endings so that rendering can put back exactly the bytes that were read.

export interface Line {
  /** The line's content without its ending. */
  text: string;
  /** "\r\n", "\n", "\r", or "" for a last line without an ending. */
  ending: string;
}

export function splitLines(text: string): Line[] {
  // indexOf on "\n", with "\r" looked for only where the text has one: twice as fast as a
  // /\r\n|\n|\r/ scan on the corpus (most files have no "\r").
  const lines: Line[] = [];
  if (text.includes("\r")) {
    const re = /\r\n|\n|\r/g;
    let start = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      lines.push({ text: text.slice(start, m.index), ending: m[0] });
      start = m.index + m[0].length;
    }
    if (start < text.length) lines.push({ text: text.slice(start), ending: "" });
    return lines;
  }
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", start)) {
    lines.push({ text: text.slice(start, i), ending: "\n" });
    start = i + 1;
  }
  if (start < text.length) lines.push({ text: text.slice(start), ending: "" });
  return lines;
}

export function joinLines(lines: readonly Line[]): string {
  let out = "";
  for (const l of lines) out += l.text + l.ending;
  return out;
}

/** The file's dominant line ending, used for lines the renderer adds. */
export function dominantEnding(text: string): "\n" | "\r\n" {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** The same, from lines already split (no second scan of the text). */
export function dominantEndingOf(lines: readonly Line[]): "\n" | "\r\n" {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.ending === "\n") lf++;
    else if (l.ending === "\r\n") crlf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

export const BOM = "\uFEFF";
