// `agentry push <dir> --source <name> --to <url>`: publishes a folder to an Agentry server
// over its API (issue 16 point 1; docs/decisions/0025-push-and-plan.md). The folder is read as
// `agentry import` reads it; the server's paths and hashes are read first (publishedFiles), and
// only the files whose hash differs are sent: in one `publish` when they fit one request's
// limits, else beginPublish + stagePublishFiles in chunks + commitPublish (one transaction on
// the server: all or nothing). The generation the hashes were read at is the publish's
// `ifGeneration` (or `--if-generation`), so a publish that landed in between is never
// overwritten by a partial send. `--dry-run` plans instead (plan-command.ts).

import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { UsageError } from "./files.js";
import { type PlanFlags, planWith } from "./plan-command.js";
import {
  checkSource,
  chunksOf,
  deltaOf,
  graphql,
  type LocalFile,
  type Remote,
  RemoteError,
  readFolder,
  refusal,
  remoteOf,
  remoteState,
} from "./remote.js";
import type { Output } from "./validate.js";

export interface PushFlags {
  source: string;
  to: string;
  token?: string;
  prune?: boolean;
  ifGeneration?: number;
  visibility?: "public" | "private";
  dryRun?: boolean;
  json?: boolean;
  format?: string;
  include?: string[];
}

export interface PushReport {
  source: string;
  generation: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  failed: {
    path: string;
    diagnostics: { severity?: string; code: string; line: number; column: number; message: string }[];
  }[];
  conflicts: {
    path: string;
    diagnostics: { code: string; line: number; column: number; message: string }[];
  }[];
}

const REPORT = `generation created updated unchanged deleted
  failed { path diagnostics { severity code line column message } }
  conflicts { path diagnostics { code line column message } }`;
const ERRORS = `... on AgentryConflictError { message currentGeneration expectedGeneration }
  ... on AgentryPublishRefusedError { message rule path }
  ... on AgentryError { message }`;

const PUBLISH = `mutation Push($input: PublishInput!) {
  publish(input: $input) { __typename ... on PublishReport { ${REPORT} } ${ERRORS} }
}`;
const BEGIN = `mutation PushBegin($input: BeginPublishInput!) {
  beginPublish(input: $input) { __typename ... on PublishStaging { id } ${ERRORS} }
}`;
const STAGE = `mutation PushStage($input: StagePublishFilesInput!) {
  stagePublishFiles(input: $input) { __typename ... on PublishStaging { id files } ${ERRORS} }
}`;
const COMMIT = `mutation PushCommit($input: CommitPublishInput!) {
  commitPublish(input: $input) { __typename ... on PublishReport { ${REPORT} } ${ERRORS} }
}`;

type Result = { __typename: string; message?: string } & Record<string, unknown>;

/** The result when it is `typename` (without its __typename), else the refusal it is. */
function expect<T>(remote: Remote, result: Result, typename: string): T {
  if (result.__typename !== typename) throw refusal(remote, result);
  const { __typename: _, ...rest } = result;
  return rest as unknown as T;
}

const asInput = (files: readonly LocalFile[]) => files.map((f) => ({ path: f.path, content: f.content }));

/** A bar on a terminal only, for what there is to wait for. */
function progress(files: number, json: boolean): SingleBar | null {
  if (!process.stderr.isTTY || json || files === 0) return null;
  const bar = new SingleBar({
    stream: process.stderr,
    format: "pushing [{bar}] {value}/{total} files",
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(files, 0);
  return bar;
}

/**
 * Sends `files` (one publish, or a staging in chunks committed once) and answers the server's
 * report. Staged requests stay within a request's limits (remote.ts: chunksOf).
 */
export async function sendFiles(
  remote: Remote,
  source: string,
  files: readonly LocalFile[],
  options: {
    prune: boolean;
    ifGeneration: number | null;
    json: boolean;
    visibility?: "public" | "private";
    /** Paths to delete by name with the publish (a push's --prune). */
    delete?: readonly string[];
  },
): Promise<PushReport> {
  // The GraphQL enum's values; absent: the source keeps its visibility.
  const visibility = options.visibility ? { visibility: options.visibility.toUpperCase() } : {};
  const chunks = chunksOf(files);
  const bar = progress(files.length, options.json);
  try {
    if (chunks.length <= 1) {
      const data = await graphql<{ publish: Result }>(remote, PUBLISH, {
        input: {
          source,
          files: asInput(chunks[0] ?? []),
          prune: options.prune,
          ifGeneration: options.ifGeneration,
          delete: options.delete ?? [],
          ...visibility,
        },
      });
      bar?.update(files.length);
      return expect<PushReport>(remote, data.publish, "PublishReport");
    }
    const begun = await graphql<{ beginPublish: Result }>(remote, BEGIN, {
      input: { source, ifGeneration: options.ifGeneration },
    });
    const { id } = expect<{ id: string }>(remote, begun.beginPublish, "PublishStaging");
    let sent = 0;
    for (const chunk of chunks) {
      try {
        const staged = await graphql<{ stagePublishFiles: Result }>(remote, STAGE, {
          input: { source, stagingId: id, files: asInput(chunk) },
        });
        expect(remote, staged.stagePublishFiles, "PublishStaging");
      } catch (e) {
        if (!(e instanceof RemoteError)) throw e;
        // Staged files are invisible until the commit, which never came.
        const which = chunk.length === 1 ? ` (sending ${chunk[0]!.shown})` : "";
        throw new RemoteError(`${e.message}${which}; nothing was committed`, e.code);
      }
      sent += chunk.length;
      bar?.update(sent);
    }
    const committed = await graphql<{ commitPublish: Result }>(remote, COMMIT, {
      input: {
        source,
        stagingId: id,
        prune: options.prune,
        ifGeneration: options.ifGeneration,
        delete: options.delete ?? [],
        ...visibility,
      },
    });
    return expect<PushReport>(remote, committed.commitPublish, "PublishReport");
  } finally {
    bar?.stop();
  }
}

export async function pushCommand(dir: string, flags: PushFlags, io: Output): Promise<number> {
  checkSource(flags.source);
  const remote = remoteOf(flags.to, flags.token);
  if (flags.dryRun) return planWith(dir, { ...flags } as PlanFlags, remote, io);
  if (flags.format !== undefined && flags.format !== "text")
    throw new UsageError(
      `--format ${flags.format} is for --dry-run (a push prints its report; --json for JSON)`,
    );
  const local = await readFolder(dir, flags.include ?? []);
  const started = performance.now();
  // The hashes are read at a generation, which the publish then expects: when someone else
  // published in between (and --if-generation was not given), read them again, once.
  for (let attempt = 1; ; attempt++) {
    const state = await remoteState(remote, flags.source);
    const expected = flags.ifGeneration ?? state.generation;
    if (flags.ifGeneration !== undefined && flags.ifGeneration !== state.generation)
      throw new RemoteError(
        `source "${flags.source}" on ${remote.server} is at generation ${state.generation}, not ${flags.ifGeneration} (--if-generation): someone else published since; nothing sent`,
        "AgentryConflictError",
      );
    const delta = deltaOf(local, state, flags.prune ?? false);
    let report: PushReport;
    // Nothing to send and no visibility to set: no request at all.
    if (delta.send.length === 0 && delta.delete.length === 0 && flags.visibility === undefined) {
      report = {
        source: flags.source,
        generation: state.generation,
        created: [],
        updated: [],
        unchanged: [],
        deleted: [],
        failed: [],
        conflicts: [],
      };
    } else {
      try {
        report = {
          ...(await sendFiles(remote, flags.source, delta.send, {
            prune: false,
            delete: delta.delete,
            ifGeneration: expected,
            json: flags.json ?? false,
            ...(flags.visibility ? { visibility: flags.visibility } : {}),
          })),
          source: flags.source,
        };
      } catch (e) {
        if (
          e instanceof RemoteError &&
          e.code === "AgentryConflictError" &&
          flags.ifGeneration === undefined &&
          attempt < 2
        )
          continue;
        throw e;
      }
    }
    // What was not sent is unchanged too: the report covers every file of the folder.
    const sent = new Set(delta.send.map((f) => f.path));
    report.unchanged = [...report.unchanged, ...delta.unchanged.filter((p) => !sent.has(p))].sort();
    print(
      report,
      {
        sent: delta.send.length,
        total: local.length,
        remote,
        started,
        json: flags.json ?? false,
        gone: flags.prune ? [] : delta.gone,
      },
      io,
    );
    return report.failed.length > 0 ? 1 : 0;
  }
}

function print(
  report: PushReport,
  info: { sent: number; total: number; remote: Remote; started: number; json: boolean; gone: string[] },
  io: Output,
): void {
  if (info.json) {
    io.out(JSON.stringify({ ...report, sent: info.sent, requests: info.remote.requests }));
    return;
  }
  for (const f of [...report.failed, ...report.conflicts])
    for (const d of f.diagnostics)
      io.out(
        `${f.path}:${d.line}:${d.column}: ${String((d as { severity?: string }).severity ?? "error").toLowerCase()}: ${d.message}`,
      );
  const conflicts =
    report.conflicts.length > 0
      ? `, ${report.conflicts.length} stored in name conflicts (the first path answers each name)`
      : "";
  const seconds = (performance.now() - info.started) / 1000;
  io.err(
    `agentry: pushed to ${info.remote.server}, source "${report.source}": ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted, ${report.failed.length} failed${conflicts} (${info.sent} of ${info.total} files sent in ${info.remote.requests} requests, ${seconds.toFixed(2)} s, generation ${report.generation})`,
  );
  if (info.gone.length > 0)
    io.err(
      `agentry: ${info.gone.length} file${info.gone.length === 1 ? "" : "s"} of the source ${info.gone.length === 1 ? "is" : "are"} not in the folder (${info.gone.slice(0, 3).join(", ")}${info.gone.length > 3 ? ", …" : ""}): --prune deletes them`,
    );
}

function generationFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--if-generation must be an integer 0 or more, not "${value}"`);
  return n;
}

export function visibilityFlag(value: string): "public" | "private" {
  if (value !== "public" && value !== "private")
    throw new UsageError(`--visibility must be public or private, not "${value}"`);
  return value;
}

export function registerPushCommand(
  program: Command,
  io: Output,
  includeOption: readonly [string, string, (v: string, all?: string[]) => string[]],
): void {
  program
    .command("push")
    .description("publish a folder to an Agentry server: only files whose hash it does not hold are sent")
    .argument("<dir>", "the folder (read as `agentry import` reads it)")
    .requiredOption("--source <name>", "the source to publish to")
    .requiredOption("--to <url>", "the server, e.g. https://agentry.example.com")
    .option("--token <token>", "an API key with publish:<source> (default: AGENTRY_TOKEN)")
    .option("--prune", "delete what the source holds that the folder no longer has")
    .option("--if-generation <n>", "publish only if the source is at this generation", generationFlag)
    .option(
      "--visibility <visibility>",
      "public or private: set the source's visibility with the publish (default: keep it; a new source is public)",
      visibilityFlag,
    )
    .option("--dry-run", "print what the push would change (as `agentry plan`) and send nothing")
    .option("--format <format>", "with --dry-run: text, github or json (default: text)")
    .option("--json", "print the report as JSON")
    .option(...includeOption)
    .action(async (dir: string, opts: PushFlags) => {
      process.exitCode = await pushCommand(dir, opts, io);
    });
}
