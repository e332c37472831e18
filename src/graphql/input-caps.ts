// Bounds on the strings a request passes as arguments, literals and variables alike, checked
// for every field in one place before any resolver runs: a name of 100,000 characters, an
// unbounded filter and a NUL byte (which PostgreSQL refuses in text: "invalid byte sequence",
// an unexpected error) reached SQL. Each refusal names the argument's path.
import {
  type ArgumentShape,
  isEnum,
  isInputObject,
  isList,
  nullable,
  type TypeShape,
} from "./argument-values.js";
import { LIMITS } from "./limits.js";

export interface InputIssue {
  /** The argument, e.g. `filter.text` or `roots.2`. */
  path: string;
  message: string;
}

/** The longest string an argument of this name may hold. */
function maxChars(path: readonly (string | number)[]): number {
  const last = [...path].reverse().find((p): p is string => typeof p === "string") ?? "";
  return LIMITS.stringChars[last as keyof typeof LIMITS.stringChars] ?? LIMITS.stringChars.default;
}

/** Issues with one field's argument values (coerced: variables are already substituted). */
export function argumentIssues(
  definitions: readonly ArgumentShape[],
  values: Record<string, unknown>,
): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const arg of definitions) {
    if (values[arg.name] !== undefined) walk(arg.type, values[arg.name], [arg.name], issues, 0);
  }
  return issues;
}

function walk(
  type: TypeShape,
  value: unknown,
  path: (string | number)[],
  issues: InputIssue[],
  depth: number,
): void {
  if (value === null || value === undefined || issues.length >= 10) return;
  const t = nullable(type);
  if (isList(t)) {
    if (Array.isArray(value))
      for (const [i, v] of value.entries()) walk(t.ofType!, v, [...path, i], issues, depth + 1);
    else walk(t.ofType!, value, path, issues, depth + 1);
    return;
  }
  if (isInputObject(t)) {
    if (typeof value !== "object") return;
    const fields = t.getFields!();
    for (const [key, v] of Object.entries(value as Record<string, unknown>))
      if (fields[key]) walk(fields[key]!.type, v, [...path, key], issues, depth + 1);
    return;
  }
  if (isEnum(t)) return;
  if (t.name === "String" || t.name === "ID") {
    check(value, path, issues);
    return;
  }
  // JSON-like scalars (federation's _Any): every string inside, to a bounded depth.
  anyValue(value, path, issues, depth);
}

function anyValue(value: unknown, path: (string | number)[], issues: InputIssue[], depth: number): void {
  if (issues.length >= 10) return;
  if (depth > LIMITS.maxInputDepth) {
    issues.push({ path: path.join("."), message: `nested deeper than ${LIMITS.maxInputDepth} levels` });
    return;
  }
  if (typeof value === "string") check(value, path, issues);
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) anyValue(v, [...path, i], issues, depth + 1);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) anyValue(v, [...path, k], issues, depth + 1);
}

function check(value: unknown, path: (string | number)[], issues: InputIssue[]): void {
  if (typeof value !== "string") return;
  const max = maxChars(path);
  if (value.length > max) issues.push({ path: path.join("."), message: `at most ${max} characters` });
  else if (value.includes("\u0000"))
    issues.push({ path: path.join("."), message: "must not contain a NUL character (U+0000)" });
}
