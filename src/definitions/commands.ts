// Slash commands named in a body: `/agency:work`, `/tdd-cycle`. Namespaced names are taken
// anywhere outside code blocks; a bare `/name` only in inline code, where it cannot be a path.
import type { ScannedBody } from "./body.js";
import type { CommandRef } from "./types.js";

const NAMESPACED = /(?<![\w/.:-])\/([a-z][a-z0-9_-]*(?::[a-z0-9][a-z0-9_-]*)+)(?![\w/.-])/gi;
// A bare `/health` is as likely an HTTP route as a command: take it only where the line talks
// about commands.
const COMMAND_CONTEXT = /\b(?:commands?|slash|invoke|run|type)\b/i;
const BARE_IN_CODE = /`\/([a-z][a-z0-9_-]*)(?:\s[^`]*)?`/gi;

export function readCommands(body: ScannedBody): CommandRef[] {
  const out: CommandRef[] = [];
  const add = (name: string, line: number, text: string) => {
    if (!out.some((c) => c.name === name)) out.push({ name, evidence: { line, text } });
  };
  for (const line of body.lines) {
    if (line.code || !line.text.includes("/")) continue;
    // A namespaced name has a colon, a bare one is in backticks: most lines with a "/" have neither.
    if (line.text.includes(":"))
      for (const m of line.text.matchAll(NAMESPACED)) add(`/${m[1]}`, line.index + 1, line.text);
    if (!line.text.includes("`/") || !COMMAND_CONTEXT.test(line.text)) continue;
    for (const m of line.text.matchAll(BARE_IN_CODE)) add(`/${m[1]}`, line.index + 1, line.text);
  }
  return out;
}
