// Collaboration entries use arrows. Files that went through a wrong encoding step carry them
// as mojibake (UTF-8 bytes read as Windows-1252): "→" becomes "â†’", "↔" becomes "â†”" and
// "←" becomes "â†" (its last byte, 0x90, has no Windows-1252 character and is lost).

export type Arrow = "right" | "left" | "both";

const ARROW_RE = /<->|<-->|↔|⟷|â†”|->|-->|→|⟶|⇒|=>|â†’|<-|<--|←|⟵|⇐|â†/;

export function findArrow(text: string): { arrow: Arrow; index: number; length: number } | null {
  const m = ARROW_RE.exec(text);
  if (!m) return null;
  const t = m[0];
  let arrow: Arrow;
  if (t === "<->" || t === "<-->" || t === "↔" || t === "⟷" || t === "â†”") arrow = "both";
  else if (t === "<-" || t === "<--" || t === "←" || t === "⟵" || t === "⇐" || t === "â†") arrow = "left";
  else arrow = "right";
  return { arrow, index: m.index, length: t.length };
}
