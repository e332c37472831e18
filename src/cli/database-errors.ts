// What the CLI says when the database fails: the cause (connection refused, no such database,
// authentication failed) and where (user, host, port, database), never the password. drizzle
// wraps every driver error as "Failed query: <sql>", which says neither: the cause is under it.
import type { DatabaseConfig } from "../config.js";

export class DatabaseUnavailableError extends Error {}

interface DriverError {
  message?: string;
  code?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The innermost error that says something: drizzle's wrapper, then AggregateError's parts. */
function rootCause(e: unknown): DriverError {
  let current = e as DriverError;
  for (let i = 0; i < 10; i++) {
    const next = (current?.cause ?? current?.errors?.[0]) as DriverError | undefined;
    if (!next || typeof next !== "object") break;
    current = next;
  }
  return current ?? {};
}

/** postgres://user@host:port/db: the URL without its password or parameters. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `${u.protocol}//${user}${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}

function withoutSecrets(text: string, url: string | null): string {
  if (!url) return text;
  try {
    const password = new URL(url).password;
    if (!password) return text;
    return text.split(decodeURIComponent(password)).join("***").split(password).join("***");
  } catch {
    return text;
  }
}

const EXPLAINED: Record<string, string> = {
  ECONNREFUSED: "connection refused: is the server running, and on this port?",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be looked up",
  ETIMEDOUT: "the connection timed out",
  ECONNRESET: "the server closed the connection",
  "3D000": "the database does not exist (create it, or fix the URL's path)",
  "28P01": "authentication failed (check the user and password)",
  "28000": "the server refused this user (pg_hba.conf, or no such role)",
  "42501": "permission denied",
  "53300": "the server has too many connections",
  "57P03": "the server is starting up or shutting down",
};

/** The sentence a user reads when a database operation fails. */
export function describeDatabaseFailure(
  e: unknown,
  config: DatabaseConfig,
  doing: string,
): DatabaseUnavailableError {
  const cause = rootCause(e);
  const raw = cause.message?.trim() || String(e);
  const explained = cause.code ? EXPLAINED[cause.code] : undefined;
  const detail = explained ? `${explained}; ${raw}` : raw;
  const where = config.url
    ? `the PostgreSQL database ${safeUrl(config.url)} (${config.driver})`
    : "the embedded database";
  return new DatabaseUnavailableError(withoutSecrets(`cannot ${doing} ${where}: ${detail}`, config.url), {
    cause: e,
  });
}

/** Whether an error came from the database (drizzle's wrapper, a driver, a socket to it). */
export function isDatabaseError(e: unknown): boolean {
  if ((e as Error)?.name === "DrizzleQueryError") return true;
  const code = rootCause(e).code;
  return typeof code === "string" && (code in EXPLAINED || /^[0-9A-Z]{5}$/.test(code));
}
