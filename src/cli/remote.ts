// Talking to an Agentry server from the CLI (`agentry push`, `agentry plan`): GraphQL over
// HTTP with the global fetch, a bearer token that is never printed, and every failure as one
// line naming the server and what to do (401, 403, 429 and 503 with their Retry-After, a
// server that cannot be reached), never a stack trace. Also what push and plan share: the
// folder read as `agentry import` reads it, the server's hashes, and which files to send.
import { createHash } from "node:crypto";
import { relative } from "node:path";
import { PUBLISH_LIMITS, pathProblem, utf8Bytes } from "../catalog/publish-limits.js";
import { type FoundFile, findDefinitionFiles, readText, UsageError } from "./files.js";

/** A failure the user can act on: printed as `agentry: <message>`, exit 1. */
export class RemoteError extends Error {
  constructor(
    message: string,
    /** The GraphQL result's typename or the error's code, for the caller to tell cases apart. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export interface Remote {
  /** The GraphQL endpoint. */
  endpoint: string;
  /** How messages name the server: its origin, never credentials. */
  server: string;
  token: string | null;
  /** Requests sent so far. */
  requests: number;
}

const SOURCE = /^[A-Za-z0-9][\w.-]*$/;

export function checkSource(source: string): void {
  if (!SOURCE.test(source) || source.length > 128)
    throw new UsageError(
      `--source "${source}": use letters, digits, dots, dashes and underscores (at most 128), starting with a letter or digit`,
    );
}

/** `--to` (the server, or its /graphql endpoint) and the token (`--token`, else AGENTRY_TOKEN). */
export function remoteOf(to: string, token: string | undefined): Remote {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new UsageError(
      `--to "${to}": not a URL; give the server's address, e.g. https://agentry.example.com`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--to "${to}": use an http:// or https:// address`);
  if (url.username || url.password)
    throw new UsageError(
      "--to: put no credentials in the address; pass the token with --token or AGENTRY_TOKEN",
    );
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/graphql";
  const chosen = token ?? process.env.AGENTRY_TOKEN ?? "";
  return {
    endpoint: url.toString(),
    server: url.origin,
    token: chosen.trim() === "" ? null : chosen.trim(),
    requests: 0,
  };
}

const RETRIES = 3;
/** A Retry-After longer than this is not waited for: the user is told when to try again. */
const LONGEST_WAIT_S = 30;

function retryAfterOf(response: Response): number | null {
  const value = response.headers.get("retry-after");
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

/** Why fetch failed, in words: `connection refused`, `host not found`, … */
function networkReason(e: unknown): string {
  for (
    let c = e as { code?: unknown; cause?: unknown; message?: unknown } | undefined, i = 0;
    c && i < 5;
    i++
  ) {
    switch (c.code) {
      case "ECONNREFUSED":
        return "connection refused (is the server running, and is --to right?)";
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return "host not found (check --to)";
      case "ECONNRESET":
        return "the connection was reset";
      case "ETIMEDOUT":
      case "UND_ERR_CONNECT_TIMEOUT":
        return "the connection timed out";
      case "UND_ERR_HEADERS_TIMEOUT":
      case "UND_ERR_BODY_TIMEOUT":
        return "the server did not answer in time";
      case "CERT_HAS_EXPIRED":
      case "DEPTH_ZERO_SELF_SIGNED_CERT":
      case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
        return `its TLS certificate is not trusted (${String(c.code)})`;
    }
    if (c instanceof Error && c.name === "TimeoutError") return "the server did not answer within 120 s";
    c = c.cause as typeof c;
  }
  // No code: the innermost cause says most (fetch's own "fetch failed" says nothing).
  let inner = e as { cause?: unknown; message?: unknown } | undefined;
  for (let i = 0; inner?.cause && i < 5; i++) inner = inner.cause as typeof inner;
  const message = typeof inner?.message === "string" ? inner.message : String(e);
  return message === "bad port" ? "the port is one browsers and fetch refuse to use (bad port)" : message;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * One GraphQL request: its `data`, or a RemoteError that says what happened and what to do.
 * 429 and 503 are retried after their Retry-After (at most 30 s, 3 times).
 */
export async function graphql<T>(
  remote: Remote,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const body = JSON.stringify({ query, variables });
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      remote.requests++;
      response = await fetch(remote.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          ...(remote.token ? { authorization: `Bearer ${remote.token}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      throw new RemoteError(`cannot reach ${remote.server}: ${networkReason(e)}`, "NETWORK");
    }
    const text = await response.text().catch(() => "");
    let parsed: GraphQLBody | null = null;
    try {
      parsed = JSON.parse(text) as GraphQLBody;
    } catch {
      parsed = null;
    }
    const first = parsed?.errors?.[0];
    const detail = first?.message ? `: ${first.message}` : "";
    if (response.status === 429 || response.status === 503) {
      const wait = retryAfterOf(response);
      if (attempt <= RETRIES && wait !== null && wait <= LONGEST_WAIT_S) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0.2) * 1000));
        continue;
      }
      const when = wait === null ? "later" : `in ${Math.ceil(wait)} s`;
      // The server's own message says its budget and when to retry.
      if (response.status === 429)
        throw new RemoteError(
          `${remote.server} is rate limiting this caller (429)${detail || `; try again ${when}`}`,
          "RATE_LIMITED",
        );
      throw new RemoteError(
        `${remote.server} is unavailable (503 ${String(first?.extensions?.code ?? "SERVICE_UNAVAILABLE")})${detail}; try again ${when}`,
        "SERVICE_UNAVAILABLE",
      );
    }
    if (response.status === 401)
      throw new RemoteError(
        remote.token
          ? `${remote.server} refused the token (401): it is unknown, revoked or expired; make a key with \`agentry keys create --scope publish:<source>\` and pass it with --token or AGENTRY_TOKEN`
          : `${remote.server} asks for a token (401): pass a key with publish:<source> with --token or AGENTRY_TOKEN`,
        "UNAUTHENTICATED",
      );
    if (response.status === 403)
      throw new RemoteError(`${remote.server} refused the request (403)${detail}`, "FORBIDDEN");
    if (response.status === 413)
      throw new RemoteError(`${remote.server} refused a request as too large (413)${detail}`, "TOO_LARGE");
    if (!parsed || (parsed.data === undefined && !parsed.errors))
      throw new RemoteError(
        `${remote.server} answered HTTP ${response.status} without a GraphQL result: is --to the Agentry server's address?`,
        "NOT_GRAPHQL",
      );
    if (first) {
      const code = String(first.extensions?.code ?? "");
      if (code === "UNAUTHENTICATED")
        throw new RemoteError(
          `${remote.server}: ${first.message} (pass it with --token or AGENTRY_TOKEN)`,
          "UNAUTHENTICATED",
        );
      if (code === "FORBIDDEN")
        throw new RemoteError(
          `${remote.server} refused the key (403 FORBIDDEN): ${first.message}`,
          "FORBIDDEN",
        );
      if (code === "GRAPHQL_VALIDATION_FAILED" && /Cannot query field/.test(first.message))
        throw new RemoteError(
          `${remote.server} does not offer this (${first.message}): it runs an older Agentry; upgrade it`,
          code,
        );
      throw new RemoteError(`${remote.server}: ${first.message}${code ? ` (${code})` : ""}`, code || null);
    }
    return parsed.data as T;
  }
}

/** A union result that is one of the errors: a RemoteError with what to do. */
export function refusal(remote: Remote, result: { __typename: string; message?: string }): RemoteError {
  const message = result.message ?? result.__typename;
  switch (result.__typename) {
    case "AgentryUnauthenticatedError":
      return new RemoteError(
        `${remote.server}: ${message} (pass it with --token or AGENTRY_TOKEN)`,
        result.__typename,
      );
    case "AgentryForbiddenError":
      return new RemoteError(
        `${remote.server} refused the key (403 FORBIDDEN): ${message}`,
        result.__typename,
      );
    default:
      return new RemoteError(`${remote.server}: ${message}`, result.__typename);
  }
}

// ---- the folder, the server's hashes, and what to send ----

export interface LocalFile {
  /** Relative to the folder: the path the source keeps. */
  path: string;
  /** As the user sees it (relative to the working directory), for messages and annotations. */
  shown: string;
  content: string;
  hash: string;
}

/** The folder read as `agentry import` reads it; files no publish could carry are refused at once. */
export async function readFolder(dir: string, include: readonly string[]): Promise<LocalFile[]> {
  return localFilesOf(await findDefinitionFiles([dir], { include }));
}

/** Found files read for a publish; files no publish could carry are refused at once. */
export async function localFilesOf(found: readonly FoundFile[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const problems: string[] = [];
  for (const f of found) {
    const { text, validUtf8 } = await readText(f.path);
    const shown = relative(process.cwd(), f.path).split("\\").join("/") || f.path;
    const problem = pathProblem(f.relativePath);
    if (!validUtf8) problems.push(`${shown}: the file is not valid UTF-8: save it as UTF-8`);
    else if (problem) problems.push(`${shown}: ${problem.message}`);
    else if (utf8Bytes(text) > PUBLISH_LIMITS.fileBytes)
      problems.push(
        `${shown}: ${utf8Bytes(text)} bytes, more than a publish carries (${PUBLISH_LIMITS.fileBytes}): use agentry import`,
      );
    files.push({
      path: f.relativePath,
      shown,
      content: text,
      hash: createHash("sha256").update(text, "utf8").digest("hex"),
    });
  }
  if (problems.length > 0)
    throw new RemoteError(
      `nothing sent; ${problems.length} file(s) cannot be published:\n${problems.join("\n")}`,
    );
  return files;
}

const FILES = `query PublishedFiles($source: String!, $after: String) {
  publishedFiles(source: $source, first: 100, after: $after) {
    generation totalCount pageInfo { hasNextPage endCursor } nodes { path contentHash }
  }
}`;

interface FilesPage {
  publishedFiles: {
    generation: number;
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { path: string; contentHash: string }[];
  };
}

/** The source's live paths and hashes, all read at one generation (read again if it moved). */
export async function remoteState(
  remote: Remote,
  source: string,
): Promise<{ generation: number; hashes: Map<string, string> }> {
  for (let attempt = 1; ; attempt++) {
    const hashes = new Map<string, string>();
    let generation: number | null = null;
    let after: string | null = null;
    let moved = false;
    for (;;) {
      const page: FilesPage = await graphql<FilesPage>(remote, FILES, { source, after });
      const p = page.publishedFiles;
      if (generation !== null && p.generation !== generation) {
        moved = true;
        break;
      }
      generation = p.generation;
      for (const n of p.nodes) hashes.set(n.path, n.contentHash);
      if (!p.pageInfo.hasNextPage || !p.pageInfo.endCursor) break;
      after = p.pageInfo.endCursor;
    }
    if (!moved) return { generation: generation ?? 0, hashes };
    if (attempt >= 3)
      throw new RemoteError(
        `source "${source}" on ${remote.server} keeps changing while it is read: try again`,
      );
  }
}

export interface Delta {
  generation: number;
  /** What to send: the files whose hash the server does not hold. */
  send: LocalFile[];
  /** With --prune, the paths the server holds that the folder does not: deleted by name. */
  delete: string[];
  /** Local files the server already holds with the same hash (not sent). */
  unchanged: string[];
  /** Paths the server holds that the folder does not. */
  gone: string[];
}

/**
 * What a push sends: the files whose hash differs, and with --prune the paths to delete by
 * name (`delete`), so a push that removes one file of 500 sends one path, not 500 files.
 */
export function deltaOf(
  local: readonly LocalFile[],
  state: { generation: number; hashes: Map<string, string> },
  prune: boolean,
): Delta {
  const paths = new Set(local.map((f) => f.path));
  const gone = [...state.hashes.keys()].filter((p) => !paths.has(p)).sort();
  const changed = local.filter((f) => state.hashes.get(f.path) !== f.hash);
  const unchanged = local.filter((f) => state.hashes.get(f.path) === f.hash).map((f) => f.path);
  return { generation: state.generation, send: changed, delete: prune ? gone : [], unchanged, gone };
}

/** A request's JSON must fit the server's default body limit (256 KiB) with room to spare. */
const BODY_BUDGET = 240_000;

/** The files in requests within a publish's limits: count, content bytes and JSON size. */
export function chunksOf(files: readonly LocalFile[]): LocalFile[][] {
  const chunks: LocalFile[][] = [];
  let current: LocalFile[] = [];
  let bytes = 0;
  let json = 0;
  for (const f of files) {
    const b = utf8Bytes(f.content);
    const j = utf8Bytes(JSON.stringify({ path: f.path, content: f.content })) + 1;
    if (
      current.length > 0 &&
      (current.length >= PUBLISH_LIMITS.filesPerRequest ||
        bytes + b > PUBLISH_LIMITS.requestBytes ||
        json + j > BODY_BUDGET)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
      json = 0;
    }
    current.push(f);
    bytes += b;
    json += j;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
