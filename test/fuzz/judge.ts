// What a fuzz answer must be: never a 5xx, never "Unexpected error." (INTERNAL_SERVER_ERROR),
// every error a GraphQL error with a code the client can branch on (typed errors in the data
// are answers too), and nothing logged as unexpected. Shared by the vitest tests (Node and the
// Worker) and `npm run fuzz`. Pure: the workerd tests import it too.
import type { FuzzCase } from "./generate.js";

export interface Answer {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
  /** Lines the server logged at level error while answering (when the logger is ours). */
  logged?: { message: string; fields?: Record<string, unknown> }[];
}

export interface Verdict {
  /** e.g. `200 ok`, `200 BAD_USER_INPUT`, `400 GRAPHQL_VALIDATION_FAILED`. */
  outcome: string;
  /** What the client must never see: 5xx, "Unexpected error.", a body that is not JSON. */
  failures: string[];
  /** Errors without `extensions.code`: the client cannot branch on them. */
  uncoded: string[];
  /** Other lines the server logged at level error for this request (client errors logged as ours). */
  noise: string[];
}

/** The log lines that say the server failed: each is a failure of the request it belongs to. */
const UNEXPECTED_LINES = ["unexpected error", "request failed"];

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown };
  path?: unknown;
}

export function judge(answer: Answer): Verdict {
  const failures: string[] = [];
  const uncoded: string[] = [];
  const noise: string[] = [];
  if (answer.status >= 500) failures.push(`HTTP ${answer.status}`);
  const body = answer.body as { errors?: WireError[]; data?: unknown } | null;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    failures.push(`not a JSON object: ${String(answer.body).slice(0, 200)}`);
    return { outcome: `${answer.status} not-json`, failures, uncoded, noise };
  }
  const codes = new Set<string>();
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    const where = Array.isArray(error.path) ? ` at ${error.path.join(".")}` : "";
    if (error.message === "Unexpected error." || code === "INTERNAL_SERVER_ERROR")
      failures.push(`unexpected error${where} (${String(code)})`);
    else if (typeof code !== "string")
      uncoded.push(`an error without a code${where}: ${String(error.message)}`);
    codes.add(typeof code === "string" ? code : "NO_CODE");
  }
  for (const line of answer.logged ?? []) {
    if (UNEXPECTED_LINES.includes(line.message))
      failures.push(`logged "${line.message}": ${describe(line.fields)}`);
    else noise.push(line.message.split("\n")[0]!.slice(0, 200));
  }
  const typed = typedErrors(body.data);
  const labels = [...codes].sort();
  if (typed.size) labels.push(...[...typed].sort().map((t) => `data:${t}`));
  return { outcome: `${answer.status} ${labels.length ? labels.join(",") : "ok"}`, failures, uncoded, noise };
}

function describe(fields: Record<string, unknown> | undefined): string {
  if (!fields) return "";
  const { error, path } = fields as { error?: unknown; path?: unknown };
  return `${path ? `${String(path)}: ` : ""}${String(error ?? JSON.stringify(fields).slice(0, 300))}`;
}

/** The typed error members (`InvalidInputError`, `NotFoundError`) the data holds, by __typename. */
function typedErrors(data: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 30 || typeof data !== "object" || data === null) return found;
  if (Array.isArray(data)) {
    for (const item of data) typedErrors(item, found, depth + 1);
    return found;
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === "__typename" && typeof value === "string" && value.endsWith("Error")) found.add(value);
    else typedErrors(value, found, depth + 1);
  }
  return found;
}

/**
 * Errors graphql-js itself makes without `extensions.code` and that the server does not yet
 * give one: a variable's value it cannot coerce ("Variable "$v" got invalid value…", HTTP 400),
 * and an operation type the schema lacks ("Schema is not configured to execute mutation
 * operation."). Codes for them are a change in src/server (see the fuzz section of #13's
 * report); anything else without a code fails this test.
 */
export const KNOWN_UNCODED: RegExp[] = [];

export interface Failure {
  index: number;
  shape: string;
  outcome: string;
  failures: string[];
  request: FuzzCase["body"] | string;
}

export interface Report {
  seed: number;
  total: number;
  outcomes: Map<string, number>;
  shapes: Map<string, number>;
  failures: Failure[];
  /** Requests answered with an error that has no code (see Verdict.uncoded). */
  uncoded: Failure[];
  /** Error-level log lines that were not about an unexpected error, by first line. */
  noise: Map<string, number>;
  /** Every error message by code (numbers folded), to see where requests stop. */
  messages: Map<string, number>;
}

export function emptyReport(seed: number): Report {
  return {
    seed,
    total: 0,
    outcomes: new Map(),
    shapes: new Map(),
    failures: [],
    uncoded: [],
    noise: new Map(),
    messages: new Map(),
  };
}

export function record(report: Report, c: FuzzCase, answer: Answer): Verdict {
  const verdict = judge(answer);
  report.total++;
  report.outcomes.set(verdict.outcome, (report.outcomes.get(verdict.outcome) ?? 0) + 1);
  report.shapes.set(c.shape, (report.shapes.get(c.shape) ?? 0) + 1);
  for (const error of ((answer.body as { errors?: WireError[] } | null)?.errors ?? []) as WireError[]) {
    const key = `${String(error.extensions?.code)}: ${String(error.message).replace(/\d+/g, "N").slice(0, 140)}`;
    report.messages.set(key, (report.messages.get(key) ?? 0) + 1);
  }
  const failure = (reasons: string[]): Failure => ({
    index: c.index,
    shape: c.shape,
    outcome: verdict.outcome,
    failures: reasons,
    request: c.raw ?? c.body,
  });
  if (verdict.failures.length) report.failures.push(failure(verdict.failures));
  if (verdict.uncoded.length) report.uncoded.push(failure(verdict.uncoded));
  for (const line of verdict.noise) {
    const key = line.replace(/\d+/g, "N");
    report.noise.set(key, (report.noise.get(key) ?? 0) + 1);
  }
  return verdict;
}

/** Sends the cases one after the other (the log lines of each are then its own). */
export async function runCases(
  cases: readonly FuzzCase[],
  send: (c: FuzzCase) => Promise<Answer>,
  seed: number,
): Promise<Report> {
  const report = emptyReport(seed);
  for (const c of cases) record(report, c, await send(c));
  return report;
}

/** The request of a case as the HTTP body text. */
export function bodyText(c: FuzzCase): string {
  return c.raw ?? JSON.stringify(c.body);
}

const clip = (text: string, n: number) =>
  text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;

/** A readable report: counts per outcome, then every failure with its index for replay. */
export function formatReport(report: Report, label: string, maxFailures = 50): string {
  const lines = [
    `${label}: ${report.total} requests, seed ${report.seed}: ${report.failures.length} failing, ${report.uncoded.length} with an uncoded error`,
  ];
  const sorted = [...report.outcomes].sort((a, b) => b[1] - a[1]);
  for (const [outcome, n] of sorted) lines.push(`  ${String(n).padStart(6)}  ${outcome}`);
  const section = (title: string, list: Failure[]) => {
    if (!list.length) return;
    lines.push(`  ${title} by cause:`);
    const byCause = new Map<string, number>();
    for (const f of list)
      for (const reason of new Set(f.failures.map((r) => r.replace(/\d+/g, "N").slice(0, 160))))
        byCause.set(reason, (byCause.get(reason) ?? 0) + 1);
    for (const [cause, n] of [...byCause].sort((a, b) => b[1] - a[1]))
      lines.push(`  ${String(n).padStart(6)}  ${cause}`);
    for (const f of list.slice(0, maxFailures)) {
      lines.push(`  #${f.index} (${f.shape}, ${f.outcome}): ${f.failures.join("; ")}`);
      lines.push(`      ${clip(typeof f.request === "string" ? f.request : JSON.stringify(f.request), 600)}`);
    }
    if (list.length > maxFailures) lines.push(`  … and ${list.length - maxFailures} more`);
    lines.push(`  replay one: npm run fuzz -- --seed ${report.seed} --only ${list[0]!.index}`);
  };
  section("failures", report.failures);
  section("uncoded errors", report.uncoded);
  if (report.noise.size) {
    lines.push("  other error-level log lines (client errors logged as the server's):");
    for (const [line, n] of [...report.noise].sort((a, b) => b[1] - a[1]).slice(0, 20))
      lines.push(`  ${String(n).padStart(6)}  ${line}`);
  }
  return lines.join("\n");
}
