// What a publish over the API accepts (issue 16 point 1, docs/decisions/0024): every limit and
// path rule is checked before any work (no SQL, no parsing), and a refusal names the file and
// the limit (PublishRefusedError). Set from what real catalogs hold, measured:
//
// - the largest file of /work/shared/corpus (wshobson-agents, 581 `.md`/`.json` files, 3.95 MB)
//   is 49,294 bytes (plugins/database-cloud-optimization/commands/cost-optimize.md), then its
//   marketplace.json (45,343, not a file import reads), then commands of 42,600 and 39,809; the
//   largest seed (/work/shared/seeds) is 21,238 bytes; the largest agent file anyone reported
//   on the issue is under 100 KB. The corpus' mean file is 6.8 KB.
// - a request body is at most AGENTRY_MAX_BODY_BYTES (262,144 by default, src/config.ts): the
//   JSON of a request, its escaping included, must fit in it.
// - the longest path of the corpus is 101 bytes, and its deepest 7 folders.
import { kindFromPath } from "../definitions/kind.js";

export const PUBLISH_LIMITS = {
  /** Files in one request. 100 files of the corpus' mean size are 680 KB: more than a body holds anyway. */
  filesPerRequest: 100,
  /**
   * Bytes (UTF-8) of one file's content: 128 KiB, 2.6 times the largest file measured (49,294)
   * and above the 100 KB, with room for JSON escaping inside a 256 KiB body.
   */
  fileBytes: 131_072,
  /**
   * Bytes (UTF-8) of all the contents of one request: 192 KiB, so that with the paths and JSON
   * escaping a full request stays under the default 256 KiB body (a denser one gets 413 from the
   * body limit, which says so). The corpus (3.95 MB) goes in about 21 requests.
   */
  requestBytes: 196_608,
  /** Files one staged publish may hold: 17 times the corpus (581). Larger catalogs: `agentry import`. */
  stagedFiles: 10_000,
  /** Bytes one staged publish may hold: 64 MiB, 16 times the corpus (3.95 MB). */
  stagedBytes: 64 * 1024 * 1024,
  /**
   * Paths one publish may delete by name (`delete`): as many as a staged publish holds. A body
   * of 256 KiB holds about 2,000 paths of the corpus' length anyway.
   */
  deletesPerPublish: 10_000,
  /** Bytes of a path (UTF-8): the corpus' longest is 101. */
  pathBytes: 1_024,
  /** A staged publish not committed within this long of its last request is deleted. */
  stagingTtlSeconds: 3_600,
  /** How long a publish waits for the source's lock (another import or publish) before it is refused as busy. */
  lockWaitMs: 8_000,
} as const;

/** Why a publish was refused before any work; the GraphQL enum PublishRule has the same values. */
export type PublishRule =
  | "FILES_PER_REQUEST"
  | "FILE_BYTES"
  | "REQUEST_BYTES"
  | "STAGED_FILES"
  | "STAGED_BYTES"
  | "PATH_EMPTY"
  | "PATH_TOO_LONG"
  | "PATH_ABSOLUTE"
  | "PATH_BACKSLASH"
  | "PATH_DOT_SEGMENT"
  | "PATH_EMPTY_SEGMENT"
  | "PATH_CONTROL_CHARACTER"
  | "PATH_NOT_A_DEFINITION"
  | "PATH_DUPLICATE"
  | "DELETES_PER_PUBLISH"
  | "DELETE_AND_PUBLISH"
  | "NOT_UTF8";

/** A publish refused before any work: which rule, which file (by its index and path), which limit. */
export class PublishRefusedError extends Error {
  override readonly name = "PublishRefusedError";
  constructor(
    readonly rule: PublishRule,
    message: string,
    /** The file's path as sent, made printable (control characters as `?`), or null for the request. */
    readonly path: string | null,
    /** The file's index in the request's `files`, or null for the request. */
    readonly index: number | null,
    /** The limit that was exceeded (bytes or files), or null for a rule. */
    readonly limit: number | null,
    /** What was sent (bytes or files), or null for a rule. */
    readonly actual: number | null,
  ) {
    super(message);
  }
}

export interface PublishFile {
  path: string;
  content: string;
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  // Well-formed text only reaches here (NOT_UTF8 first): encodeInto-free count.
  return encoder.encode(text).length;
}

/** A value quoted in a message: control characters as `?`, at most 120 characters. */
export function printablePath(path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const clean = path.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}

function isWellFormed(text: string): boolean {
  const native = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (native) return native.call(text);
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** The rule a path breaks, with its message, or null for a path a publish accepts. */
export function pathProblem(path: string): { rule: PublishRule; message: string } | null {
  if (path.length === 0) return { rule: "PATH_EMPTY", message: "the path is empty" };
  if (!isWellFormed(path))
    return { rule: "NOT_UTF8", message: "the path is not valid UTF-8 (a lone surrogate)" };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f]/.test(path))
    return {
      rule: "PATH_CONTROL_CHARACTER",
      message: "the path contains a control character (NUL, newline…)",
    };
  const bytes = utf8Bytes(path);
  if (bytes > PUBLISH_LIMITS.pathBytes)
    return {
      rule: "PATH_TOO_LONG",
      message: `the path is ${bytes} bytes, at most ${PUBLISH_LIMITS.pathBytes}`,
    };
  if (path.includes("\\"))
    return { rule: "PATH_BACKSLASH", message: "the path contains a backslash: separate folders with `/`" };
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    return {
      rule: "PATH_ABSOLUTE",
      message: "the path is absolute: give it relative to the source's root, e.g. `agents/x.md`",
    };
  const segments = path.split("/");
  if (segments.some((s) => s === "." || s === ".."))
    return { rule: "PATH_DOT_SEGMENT", message: "the path has a `.` or `..` segment" };
  if (segments.some((s) => s === ""))
    return { rule: "PATH_EMPTY_SEGMENT", message: "the path has an empty segment (`//` or a trailing `/`)" };
  if (kindFromPath(path) === null)
    return {
      rule: "PATH_NOT_A_DEFINITION",
      message:
        "not a file an import reads: an agent or command `.md`, a `skills/<name>/SKILL.md` or a `.claude-plugin/plugin.json`",
    };
  return null;
}

/**
 * Checks one request's files against every limit and path rule, in order (the count, then
 * each file, then the request's total), before anything else is done. Returns the total bytes.
 */
export function checkPublishFiles(files: readonly PublishFile[]): number {
  if (files.length > PUBLISH_LIMITS.filesPerRequest)
    throw new PublishRefusedError(
      "FILES_PER_REQUEST",
      `${files.length} files in one request, at most ${PUBLISH_LIMITS.filesPerRequest}: stage them in several (beginPublish, stagePublishFiles, commitPublish)`,
      null,
      null,
      PUBLISH_LIMITS.filesPerRequest,
      files.length,
    );
  const seen = new Set<string>();
  let total = 0;
  files.forEach((file, index) => {
    const shown = printablePath(file.path);
    const problem = pathProblem(file.path);
    if (problem)
      throw new PublishRefusedError(
        problem.rule,
        `files.${index} "${shown}": ${problem.message}`,
        shown,
        index,
        null,
        null,
      );
    if (seen.has(file.path))
      throw new PublishRefusedError(
        "PATH_DUPLICATE",
        `files.${index} "${shown}": the path is sent twice in one request`,
        shown,
        index,
        null,
        null,
      );
    seen.add(file.path);
    if (!isWellFormed(file.content))
      throw new PublishRefusedError(
        "NOT_UTF8",
        `files.${index} "${shown}": the content is not valid UTF-8 (a lone surrogate)`,
        shown,
        index,
        null,
        null,
      );
    const bytes = utf8Bytes(file.content);
    if (bytes > PUBLISH_LIMITS.fileBytes)
      throw new PublishRefusedError(
        "FILE_BYTES",
        `files.${index} "${shown}": ${bytes} bytes, at most ${PUBLISH_LIMITS.fileBytes} a file`,
        shown,
        index,
        PUBLISH_LIMITS.fileBytes,
        bytes,
      );
    total += bytes;
  });
  if (total > PUBLISH_LIMITS.requestBytes)
    throw new PublishRefusedError(
      "REQUEST_BYTES",
      `${total} bytes of content in one request, at most ${PUBLISH_LIMITS.requestBytes}: stage them in several (beginPublish, stagePublishFiles, commitPublish)`,
      null,
      null,
      PUBLISH_LIMITS.requestBytes,
      total,
    );
  return total;
}

/**
 * Checks the paths a publish deletes by name (`delete`), after its files: the count, each path
 * against the path rules, and that no path is both sent and deleted.
 */
export function checkDeletePaths(paths: readonly string[], sent: ReadonlySet<string>): void {
  if (paths.length > PUBLISH_LIMITS.deletesPerPublish)
    throw new PublishRefusedError(
      "DELETES_PER_PUBLISH",
      `${paths.length} paths to delete, at most ${PUBLISH_LIMITS.deletesPerPublish}: use \`prune\` (or deleteSource) for more`,
      null,
      null,
      PUBLISH_LIMITS.deletesPerPublish,
      paths.length,
    );
  paths.forEach((path, index) => {
    const shown = printablePath(path);
    const problem = pathProblem(path);
    if (problem)
      throw new PublishRefusedError(
        problem.rule,
        `delete.${index} "${shown}": ${problem.message}`,
        shown,
        index,
        null,
        null,
      );
    if (sent.has(path))
      throw new PublishRefusedError(
        "DELETE_AND_PUBLISH",
        `delete.${index} "${shown}": the path is also among the files published: send it, or delete it`,
        shown,
        index,
        null,
        null,
      );
  });
}
