// The definition reader: pure code, no I/O. Text in, typed definition and diagnostics out.

export { type NamedFile, nameConflicts, nameKey } from "./conflicts.js";
export { kindFromPath } from "./kind.js";
export { type MentionCandidate, mentionCandidates } from "./mentions.js";
export { toKebab } from "./names.js";
export { type ParseOptions, parseDefinition, parseMarkdown } from "./parse.js";
export { render } from "./render.js";
export * from "./types.js";
