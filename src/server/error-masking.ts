// Which errors a client may see as they are (its own mistakes, with a code to branch on) and
// which are ours (masked as "Unexpected error." with the request id that finds the log line).
import type { InputValidationError } from "@pothos/plugin-validation";
import { GraphQLError, type GraphQLErrorOptions } from "graphql";

/**
 * Errors about the request raised where the schema has no union for them (a connection's
 * arguments, a limit): a GraphQL error with a code the client can branch on.
 */
export function clientError(error: unknown): GraphQLError | null {
  // graphql-js's variable coercion errors ("Variable "$x" got invalid value …") carry no code
  // (and keep the error that caused them, so they are not told apart by that).
  if (
    isGraphQLError(error) &&
    error.extensions?.code === undefined &&
    /^(Variable "\$[^"]+" |Too many errors processing variables)/.test(error.message)
  )
    return new GraphQLError(error.message, {
      ...whereOf(error),
      extensions: { ...error.extensions, code: "BAD_USER_INPUT", http: { status: 400 } },
    });
  const original = isGraphQLError(error) ? error.originalError : error;
  if (!(original instanceof Error)) return null;
  const where = whereOf(error);
  if (Array.isArray((original as Partial<InputValidationError>).issues)) {
    const issues = (original as InputValidationError).issues.map((i) => ({
      path: (i.path ?? [])
        .map((p) => (typeof p === "object" && p !== null ? String(p.key) : String(p)))
        .join("."),
      message: i.message,
    }));
    return new GraphQLError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), {
      ...where,
      extensions: { code: "BAD_USER_INPUT", issues },
    });
  }
  if (original.name === "NotFoundError") {
    return new GraphQLError(original.message, { ...where, extensions: { code: "NOT_FOUND" } });
  }
  // Pothos' own refusals of what the client sent (a cursor that is not one: "Invalid base64
  // string"), which were masked and logged as unexpected.
  if (original.name === "PothosValidationError") {
    return new GraphQLError(original.message, { ...where, extensions: { code: "BAD_USER_INPUT" } });
  }
  return null;
}

/** Errors that were not meant for the client: anything but a GraphQLError made on purpose. */
export function isUnexpected(error: unknown): boolean {
  if (clientError(error)) return false;
  if (!isGraphQLError(error)) return true;
  // Yoga's own request errors (bad JSON, wrong method) carry an HTTP status.
  if (error.extensions?.http) return false;
  const original = error.originalError;
  return Boolean(original) && !isGraphQLError(original);
}

/**
 * By name, not instanceof: graphql can be loaded twice (its CommonJS build by one package,
 * its ESM build by another), and an instanceof check then fails for errors made by the other.
 */
export function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError";
}

/** Where an error points, in the forms GraphQLError computes `locations` from. */
export function whereOf(
  error: unknown,
): Pick<GraphQLErrorOptions, "path" | "nodes" | "source" | "positions"> {
  if (!isGraphQLError(error)) return {};
  return {
    ...(error.path ? { path: error.path } : {}),
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source && error.positions ? { source: error.source, positions: error.positions } : {}),
  };
}
