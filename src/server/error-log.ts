// What an unexpected error's log line says: enough for an operator to act on (the cause an
// error wraps: "deadlock detected" with its SQLSTATE, ECONNREFUSED with the address), never the
// values a statement was sent with. drizzle's errors read "Failed query: <sql>\nparams: <every
// parameter>", and an import's parameters are whole file contents: one failed import logged
// megabytes of agent text, and `error.cause`, the part that says why, was never printed.

export interface LoggedError {
  error: string;
  /** The chain of causes, outermost first: message, and code where the error has one. */
  causes?: { message: string; code?: string }[];
  /** Stack frames only (the first line of a stack repeats the message, parameters included). */
  stack?: string;
}

const MAX_MESSAGE = 500;
const MAX_FRAMES = 12;
const MAX_CAUSES = 5;

export function describeError(e: unknown): LoggedError {
  const described: LoggedError = { error: messageOf(e) };
  const causes: { message: string; code?: string }[] = [];
  let cause = causeOf(e);
  while (cause !== undefined && cause !== null && causes.length < MAX_CAUSES) {
    const code = (cause as { code?: unknown }).code;
    causes.push({ message: messageOf(cause), ...(typeof code === "string" ? { code } : {}) });
    cause = causeOf(cause);
  }
  if (causes.length) described.causes = causes;
  const stack = e instanceof Error ? framesOf(e.stack) : "";
  if (stack) described.stack = stack;
  return described;
}

/** What an error wraps: its cause, or an AggregateError's first part (pg's ECONNREFUSED per address). */
function causeOf(e: unknown): unknown {
  const wrapper = e as { cause?: unknown; errors?: unknown[] } | null;
  return wrapper?.cause ?? (Array.isArray(wrapper?.errors) ? wrapper.errors[0] : undefined);
}

/** The message without the parameters drizzle appends to it, and no longer than a line. */
function messageOf(e: unknown): string {
  const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const withoutParams = raw.replace(/\nparams:[\s\S]*$/, "");
  const oneLine = withoutParams.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
}

function framesOf(stack: string | undefined): string {
  if (!stack) return "";
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim())
    .join("\n");
}
