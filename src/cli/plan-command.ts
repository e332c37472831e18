// `agentry plan <dir> --source <name> --to <url>` (and `agentry push --dry-run`): what a push
// would change, as a semantic diff of the catalog, without changing anything: the server runs
// the publish in a transaction it rolls back (planPublish, src/catalog/plan.ts). Agents added,
// removed and changed (tools, skills, model, edges, commands), and the references that would
// be left pointing at nothing, each with the file and line of the agent whose reference breaks.
// Exit 3 when a reference would break (CI blocks the pull request), 1 when a file fails to read
// or the plan cannot be made, 0 otherwise. `--format github` prints GitHub Actions annotations;
// `--format json` the plan as the server answers it.
import { join, relative } from "node:path";
import type { Command } from "commander";
import { UsageError } from "./files.js";
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

export interface PlanFlags {
  source: string;
  to: string;
  token?: string;
  prune?: boolean;
  ifGeneration?: number;
  format?: string;
  include?: string[];
}

const FORMATS = ["text", "github", "json"] as const;

interface Diagnostic {
  severity?: string;
  code: string;
  line: number;
  column: number;
  message: string;
}

interface Edge {
  kind: string;
  from: string;
  to: string;
}

interface Plan {
  source: string;
  currentGeneration: number;
  breaks: boolean;
  report: {
    generation: number;
    created: string[];
    updated: string[];
    unchanged: string[];
    deleted: string[];
    failed: { path: string; diagnostics: Diagnostic[] }[];
    conflicts: { path: string; diagnostics: Diagnostic[] }[];
  };
  agentsAdded: { ref: string; path: string }[];
  agentsRemoved: { ref: string; path: string }[];
  agentsChanged: {
    ref: string;
    path: string;
    diff: {
      fromRevision: number;
      toRevision: number;
      name: { from: string | null; to: string | null } | null;
      model: { from: string | null; to: string | null } | null;
      toolsMode: { from: string | null; to: string | null } | null;
      toolsAdded: { name: string }[];
      toolsRemoved: { name: string }[];
      toolsRetiered: { name: string; from: string; to: string }[];
      skillsAdded: string[];
      skillsRemoved: string[];
      commandsAdded: string[];
      commandsRemoved: string[];
      collaborationsAdded: Edge[];
      collaborationsRemoved: Edge[];
      descriptionChanged: boolean;
      bodyChanged: boolean;
    };
  }[];
  brokenReferences: {
    kind: string;
    name: string;
    agent: string;
    path: string;
    line: number | null;
    text: string | null;
    targetRemoved: boolean;
  }[];
}

const ERRORS = `... on AgentryConflictError { message currentGeneration expectedGeneration }
  ... on AgentryPublishRefusedError { message rule path }
  ... on AgentryError { message }`;

const PLAN = `mutation Plan($input: PlanPublishInput!) {
  planPublish(input: $input) { __typename
    ... on PublishPlan { source currentGeneration breaks
      report { generation created updated unchanged deleted
        failed { path diagnostics { severity code line column message } }
        conflicts { path diagnostics { code line column message } } }
      agentsAdded { ref path } agentsRemoved { ref path }
      agentsChanged { ref path diff { fromRevision toRevision name { from to } model { from to } toolsMode { from to }
        toolsAdded { name } toolsRemoved { name } toolsRetiered { name from to }
        skillsAdded skillsRemoved commandsAdded commandsRemoved
        collaborationsAdded { kind from to } collaborationsRemoved { kind from to }
        descriptionChanged bodyChanged } }
      brokenReferences { kind name agent path line text targetRemoved } }
    ${ERRORS} }
}`;
const BEGIN = `mutation PlanBegin($input: BeginPublishInput!) {
  beginPublish(input: $input) { __typename ... on PublishStaging { id } ${ERRORS} }
}`;
const STAGE = `mutation PlanStage($input: StagePublishFilesInput!) {
  stagePublishFiles(input: $input) { __typename ... on PublishStaging { id } ${ERRORS} }
}`;

type Result = { __typename: string; message?: string } & Record<string, unknown>;

const asInput = (files: readonly LocalFile[]) => files.map((f) => ({ path: f.path, content: f.content }));

/** Asks the server for the plan of what a push of `dir` would send. */
async function planOf(remote: Remote, dir: string, flags: PlanFlags): Promise<Plan> {
  const local = await readFolder(dir, flags.include ?? []);
  const state = await remoteState(remote, flags.source);
  if (flags.ifGeneration !== undefined && flags.ifGeneration !== state.generation)
    throw new RemoteError(
      `source "${flags.source}" on ${remote.server} is at generation ${state.generation}, not ${flags.ifGeneration} (--if-generation): someone else published since`,
      "AgentryConflictError",
    );
  const delta = deltaOf(local, state, flags.prune ?? false);
  const chunks = chunksOf(delta.send);
  const input: Record<string, unknown> = {
    source: flags.source,
    delete: delta.delete,
    ifGeneration: state.generation,
  };
  if (chunks.length <= 1) input.files = asInput(chunks[0] ?? []);
  else {
    // More than a request holds: staged as a push stages it, then the staging is planned.
    const begun = await graphql<{ beginPublish: Result }>(remote, BEGIN, {
      input: { source: flags.source, ifGeneration: state.generation },
    });
    if (begun.beginPublish.__typename !== "PublishStaging") throw refusal(remote, begun.beginPublish);
    const id = String(begun.beginPublish.id);
    for (const chunk of chunks) {
      const staged = await graphql<{ stagePublishFiles: Result }>(remote, STAGE, {
        input: { source: flags.source, stagingId: id, files: asInput(chunk) },
      });
      if (staged.stagePublishFiles.__typename !== "PublishStaging")
        throw refusal(remote, staged.stagePublishFiles);
    }
    input.stagingId = id;
  }
  const data = await graphql<{ planPublish: Result }>(remote, PLAN, { input });
  if (data.planPublish.__typename !== "PublishPlan") throw refusal(remote, data.planPublish);
  const plan = data.planPublish as unknown as Plan;
  // Files not sent are unchanged: the report covers the whole folder, as a push's does.
  const sent = new Set(delta.send.map((f) => f.path));
  plan.report.unchanged = [...plan.report.unchanged, ...delta.unchanged.filter((p) => !sent.has(p))].sort();
  return plan;
}

/** `plan`, and `push --dry-run` with the push's remote. */
export async function planWith(dir: string, flags: PlanFlags, remote: Remote, io: Output): Promise<number> {
  const format = flags.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format "${format}": use text, github or json`);
  const plan = await planOf(remote, dir, flags);
  const shown = (path: string) => relative(process.cwd(), join(dir, path)).split("\\").join("/");
  if (format === "json") io.out(JSON.stringify(plan));
  else if (format === "github") for (const line of annotations(plan, shown)) io.out(line);
  else for (const line of text(plan, shown, remote)) io.out(line);
  const r = plan.report;
  io.err(
    `agentry: plan for source "${plan.source}" on ${remote.server}: ${plan.agentsAdded.length} agents added, ${plan.agentsChanged.length} changed, ${plan.agentsRemoved.length} removed; ${r.created.length} files created, ${r.updated.length} updated, ${r.unchanged.length} unchanged, ${r.deleted.length} deleted, ${r.failed.length} failed; ${plan.brokenReferences.length} reference${plan.brokenReferences.length === 1 ? "" : "s"} would break (nothing was changed)`,
  );
  if (plan.breaks) return 3;
  return r.failed.length > 0 ? 1 : 0;
}

export async function planCommand(dir: string, flags: PlanFlags, io: Output): Promise<number> {
  checkSource(flags.source);
  return planWith(dir, flags, remoteOf(flags.to, flags.token), io);
}

const edge = (e: Edge) => {
  const kind = e.kind.toLowerCase();
  return kind === "peer" ? `peer ${e.from} <-> ${e.to}` : `${kind} ${e.from} -> ${e.to}`;
};
const kindWord = (kind: string) => (kind === "collaborator" ? "agent" : kind);

function brokenMessage(b: Plan["brokenReferences"][number]): string {
  const why = b.targetRemoved
    ? `the push removes ${kindWord(b.kind)} "${b.name}"`
    : `no ${kindWord(b.kind)} "${b.name}" exists`;
  return `${b.agent} refers to ${kindWord(b.kind)} "${b.name}", which would be unresolved: ${why}`;
}

/** What changed in one agent, one line per aspect. */
function changes(d: Plan["agentsChanged"][number]["diff"]): string[] {
  const out: string[] = [];
  const list = (label: string, added: string[], removed: string[]) => {
    if (added.length + removed.length > 0)
      out.push(`${label}: ${[...added.map((x) => `+${x}`), ...removed.map((x) => `-${x}`)].join(" ")}`);
  };
  if (d.name) out.push(`name: ${d.name.from} -> ${d.name.to}`);
  if (d.model) out.push(`model: ${d.model.from ?? "(none)"} -> ${d.model.to ?? "(none)"}`);
  if (d.toolsMode) out.push(`tools: ${d.toolsMode.from} -> ${d.toolsMode.to}`);
  list(
    "tools",
    d.toolsAdded.map((t) => t.name),
    d.toolsRemoved.map((t) => t.name),
  );
  for (const t of d.toolsRetiered)
    out.push(`tool ${t.name}: ${t.from.toLowerCase()} -> ${t.to.toLowerCase()}`);
  list("skills", d.skillsAdded, d.skillsRemoved);
  list("commands", d.commandsAdded, d.commandsRemoved);
  list("edges", d.collaborationsAdded.map(edge), d.collaborationsRemoved.map(edge));
  if (d.descriptionChanged) out.push("description changed");
  if (out.length === 0 && d.bodyChanged) out.push("body changed");
  return out;
}

function text(plan: Plan, shown: (path: string) => string, remote: Remote): string[] {
  const lines: string[] = [];
  for (const f of plan.report.failed)
    for (const d of f.diagnostics) lines.push(`${shown(f.path)}:${d.line}:${d.column}: error: ${d.message}`);
  for (const a of plan.agentsAdded) lines.push(`+ ${a.ref} (${shown(a.path)})`);
  for (const c of plan.agentsChanged) {
    lines.push(`~ ${c.ref} (${shown(c.path)})`);
    for (const line of changes(c.diff)) lines.push(`    ${line}`);
  }
  for (const a of plan.agentsRemoved) lines.push(`- ${a.ref} (${shown(a.path)})`);
  if (plan.brokenReferences.length > 0) {
    lines.push(
      `${plan.brokenReferences.length} reference${plan.brokenReferences.length === 1 ? "" : "s"} would break:`,
    );
    for (const b of plan.brokenReferences)
      lines.push(`  ${shown(b.path)}${b.line === null ? "" : `:${b.line}`}: ${brokenMessage(b)}`);
  }
  if (lines.length === 0) lines.push(`no changes: ${remote.server} already holds this folder`);
  return lines;
}

/** GitHub's workflow commands: `%`, CR and LF escaped in a message, also `:` and `,` in a property. */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function annotation(
  level: "error" | "warning" | "notice",
  file: string,
  line: number | null,
  message: string,
  column: number | null = null,
) {
  const where = [
    `file=${escapeProperty(file)}`,
    ...(line === null ? [] : [`line=${line}`]),
    ...(column === null ? [] : [`col=${column}`]),
  ].join(",");
  return `::${level} ${where}::${escapeData(message)}`;
}

function annotations(plan: Plan, shown: (path: string) => string): string[] {
  const lines: string[] = [];
  for (const b of plan.brokenReferences)
    lines.push(annotation("error", shown(b.path), b.line, brokenMessage(b)));
  for (const f of plan.report.failed)
    for (const d of f.diagnostics)
      lines.push(annotation("error", shown(f.path), d.line, d.message, d.column));
  for (const a of plan.agentsRemoved)
    lines.push(annotation("warning", shown(a.path), null, `the push removes agent ${a.ref}`));
  for (const c of plan.agentsChanged)
    lines.push(annotation("notice", shown(c.path), null, `${c.ref}: ${changes(c.diff).join("; ")}`));
  for (const a of plan.agentsAdded)
    lines.push(annotation("notice", shown(a.path), null, `the push adds agent ${a.ref}`));
  return lines;
}

function generationFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--if-generation must be an integer 0 or more, not "${value}"`);
  return n;
}

export function registerPlanCommand(
  program: Command,
  io: Output,
  includeOption: readonly [string, string, (v: string, all?: string[]) => string[]],
): void {
  program
    .command("plan")
    .description(
      "print what `agentry push` would change on the server, changing nothing; exit 3 when a reference would break",
    )
    .argument("<dir>", "the folder (read as `agentry import` reads it)")
    .requiredOption("--source <name>", "the source the push would publish to")
    .requiredOption("--to <url>", "the server, e.g. https://agentry.example.com")
    .option("--token <token>", "an API key with publish:<source> (default: AGENTRY_TOKEN)")
    .option("--prune", "plan the deletion of what the folder no longer has, too")
    .option("--if-generation <n>", "plan only if the source is at this generation", generationFlag)
    .option("--format <format>", "text, github (Actions annotations) or json", "text")
    .option(...includeOption)
    .action(async (dir: string, opts: PlanFlags) => {
      process.exitCode = await planCommand(dir, opts, io);
    });
}
