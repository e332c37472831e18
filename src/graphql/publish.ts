import { z } from "zod";
import { SOURCE_NAME } from "../auth/scopes.js";
import { actorOf } from "../catalog/audit.js";
import type { FailedFile, ImportReport } from "../catalog/import.js";
import {
  type AgentChange,
  beginPublish,
  commitPublish,
  deleteAgent,
  deleteSource,
  publishFiles,
  restoreAgent,
  restoreSource,
  type SourceChange,
  type Staging,
  stagePublishFiles,
  type Who,
} from "../catalog/publish.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";
import { WRITE_ERROR_TYPES } from "./errors.js";
import { DiagnosticRef } from "./facts.js";
import { SourceVisibilityEnum } from "./source.js";
import { writerOf } from "./writer.js";

builder.mutationType({
  description:
    "Changes to the catalog, each recorded in the audit trail (`auditEvents`). Served to direct clients only, not offered to a federation supergraph.",
});

export const who = (ctx: GraphQLContext): Who => ({ actor: actorOf(ctx.caller), requestId: ctx.requestId });

const sourceName = z
  .string()
  .max(128, "at most 128 characters")
  .regex(SOURCE_NAME, "letters, digits, dots, dashes and underscores, starting with a letter or digit");
const refString = z
  .string()
  .trim()
  .regex(/^[^/\s]+\/[^/\s]+$/, "a ref is `source/name`, e.g. `acme-platform/api-designer`");
const generation = z.number().int().min(0, "must be at least 0").nullable().optional();
const stagingIdString = z.string().regex(/^[0-9a-f]{32}$/, "a staging id is the `id` beginPublish answered");

/** The source of a ref, for its scope (a malformed ref is refused after by its validation). */
const sourceOfRef = (ref: string) => ref.trim().split("/")[0] ?? "";

/** `delete` and `visibility`, the same on `publish` and `commitPublish`. */
const DELETE_DESCRIPTION =
  "Paths of the source's live files to soft-delete in the same transaction (restorable, as `prune` deletes): a push that removes one file names it here instead of sending every file with `prune`. At most 10,000; the path rules of `files`; a path both here and in `files` is refused. Paths that hold no live file are ignored.";
const VISIBILITY_DESCRIPTION =
  "Sets the source's visibility in the publish's own transaction (a new private source is never visible to others, not even for an instant); absent: kept as it is (PUBLIC for a new source). A change is recorded in the audit trail and moves the source's generation.";

const PublishFileInput = builder.inputType("PublishFileInput", {
  description: "One file of a publish: its path in the source and its whole text.",
  fields: (t) => ({
    path: t.string({
      required: true,
      description:
        "Relative to the source's root with `/` between folders, as `agentry import` stores it: `agents/x.md`, `plugins/p/commands/y.md`, `skills/s/SKILL.md`, `.claude-plugin/plugin.json`. No leading `/`, drive letter, `.` or `..` segment, backslash or control character; at most 1,024 bytes.",
    }),
    content: t.string({
      required: true,
      description:
        "The file's text (UTF-8), at most 131,072 bytes. Stored byte for byte; `export` writes it back.",
    }),
  }),
});

const PublishInput = builder.inputType("PublishInput", {
  description: "A publish in one request.",
  fields: (t) => ({
    source: t.string({
      required: true,
      description: "The source to publish to (created by its first publish), e.g. `acme-platform`.",
      validate: sourceName,
    }),
    files: t.field({
      type: [PublishFileInput],
      required: true,
      description: "The files (at most 100, 196,608 bytes in all), in the order the report lists them.",
    }),
    prune: t.boolean({
      defaultValue: false,
      description:
        "Also soft-delete the source's live files that are not in `files` (as `agentry import --prune`).",
    }),
    ifGeneration: t.int({
      required: false,
      description:
        "The source's generation the publish expects (`AgentrySource.generation`, or the last report's; 0 for a new source): checked inside the transaction, an AgentryConflictError with the current one when someone else published in between.",
      validate: generation,
    }),
    delete: t.stringList({
      required: false,
      description: DELETE_DESCRIPTION,
    }),
    visibility: t.field({
      type: SourceVisibilityEnum,
      required: false,
      description: VISIBILITY_DESCRIPTION,
    }),
  }),
});

const BeginPublishInput = builder.inputType("BeginPublishInput", {
  description: "The start of a publish over several requests.",
  fields: (t) => ({
    source: t.string({ required: true, description: "The source to publish to.", validate: sourceName }),
    ifGeneration: t.int({
      required: false,
      description:
        "The generation the commit expects the source at: checked now (refused at once when already past) and again inside the commit's transaction.",
      validate: generation,
    }),
  }),
});

const StagePublishFilesInput = builder.inputType("StagePublishFilesInput", {
  description: "More files for a staged publish.",
  fields: (t) => ({
    source: t.string({ required: true, description: "The staging's source.", validate: sourceName }),
    stagingId: t.string({
      required: true,
      description: "The `id` beginPublish answered.",
      validate: stagingIdString,
    }),
    files: t.field({
      type: [PublishFileInput],
      required: true,
      description: "More files: at most 100 and 196,608 bytes a request, as `publish`.",
    }),
  }),
});

const CommitPublishInput = builder.inputType("CommitPublishInput", {
  description: "The end of a publish over several requests.",
  fields: (t) => ({
    source: t.string({ required: true, description: "The staging's source.", validate: sourceName }),
    stagingId: t.string({
      required: true,
      description: "The `id` beginPublish answered.",
      validate: stagingIdString,
    }),
    prune: t.boolean({
      defaultValue: false,
      description: "Also soft-delete the source's live files that were not staged.",
    }),
    ifGeneration: t.int({
      required: false,
      description: "Overrides beginPublish's `ifGeneration`; checked inside the commit's transaction.",
      validate: generation,
    }),
    delete: t.stringList({
      required: false,
      description: DELETE_DESCRIPTION,
    }),
    visibility: t.field({
      type: SourceVisibilityEnum,
      required: false,
      description: VISIBILITY_DESCRIPTION,
    }),
  }),
});

const FailedFileRef = builder.objectRef<FailedFile>("PublishFailedFile").implement({
  description: "A file and its diagnostics: one that failed to read, or one stored in a name conflict.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "The file's path in the source." }),
    diagnostics: t.field({
      type: [DiagnosticRef],
      description: "The errors, each with its line and column, as `agentry import` prints them.",
      resolve: (f) => f.diagnostics,
    }),
  }),
});

const PublishReportRef = builder.objectRef<ImportReport>("PublishReport").implement({
  description:
    "What a committed publish did, as `agentry import` reports it: every file given is in exactly one of created, updated, unchanged and failed; deleted lists what `prune` removed.",
  fields: (t) => ({
    source: t.exposeString("source", { description: "The source published to." }),
    generation: t.exposeInt("generation", {
      description:
        "The source's generation after the publish (unchanged when nothing changed): the next `ifGeneration`.",
    }),
    created: t.exposeStringList("created", {
      description: "Paths of files new to the source (or back after a deletion).",
    }),
    updated: t.exposeStringList("updated", {
      description: "Paths whose text changed: each got a new revision.",
    }),
    unchanged: t.exposeStringList("unchanged", {
      description: "Paths whose text was already stored: nothing written.",
    }),
    deleted: t.exposeStringList("deleted", {
      description:
        "Paths `prune` soft-deleted (live in the source, not in the publish); `restoreAgent` brings an agent back.",
    }),
    failed: t.field({
      type: [FailedFileRef],
      description:
        "Files that failed to read, with their located errors: not stored, and what the source held for them stays.",
      resolve: (r) => r.failed,
    }),
    conflicts: t.field({
      type: [FailedFileRef],
      description:
        "Files stored, but declaring a name another file of the source declares (decision 0018), each with its `name-conflict` error.",
      resolve: (r) => r.conflicts,
    }),
  }),
});

const StagingRef = builder.objectRef<Staging>("PublishStaging").implement({
  description:
    "A publish in progress over several requests: files staged so far, invisible to readers until `commitPublish`.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "Pass it to `stagePublishFiles` and `commitPublish`." }),
    source: t.exposeString("source", { description: "The source it publishes to." }),
    ifGeneration: t.exposeInt("ifGeneration", {
      nullable: true,
      description: "The generation the commit expects the source at (from beginPublish); null: any.",
    }),
    files: t.exposeInt("files", { description: "Files staged so far (at most 10,000)." }),
    bytes: t.exposeInt("bytes", { description: "Bytes staged so far (at most 64 MiB)." }),
    expiresAt: t.field({
      type: "AgentryDateTime",
      description: "When it is deleted unless committed: an hour after its last request.",
      resolve: (s) => s.expiresAt,
    }),
  }),
});

const AgentChangeRef = builder.objectRef<AgentChange>("AgentChange").implement({
  description: "An agent deleted or restored.",
  fields: (t) => ({
    ref: t.exposeString("ref", { description: "The agent's ref, `source/name`." }),
    path: t.exposeString("path", {
      description: "Its file's path in the source: deleted or restored with it.",
    }),
    generation: t.exposeInt("generation", { description: "The source's generation after the change." }),
  }),
});

const SourceChangeRef = builder.objectRef<SourceChange>("SourceChange").implement({
  description: "A source deleted or restored.",
  fields: (t) => ({
    source: t.exposeString("source", { description: "The source's name." }),
    files: t.exposeInt("files", { description: "Files deleted or restored with it." }),
    generation: t.exposeInt("generation", { description: "The source's generation after the change." }),
  }),
});

export const errorsOf = (name: string, what: string) => ({
  types: WRITE_ERROR_TYPES,
  union: {
    name,
    description: `${what}, or why not: AgentryUnauthenticatedError (no key), AgentryForbiddenError (the key lacks the scope), AgentryInvalidInputError, AgentryPublishRefusedError (a limit or path rule), AgentryConflictError (ifGeneration, a deleted source), AgentrySourceBusyError, AgentryNotFoundError. Nothing is changed when it is an error.`,
  },
});

/** A publish costs its files; the rate limit charges it like a query of that cost. */
const filesCost = (files: readonly unknown[] | null | undefined) => ({
  field: 100 + 10 * (files?.length ?? 0),
});

builder.mutationField("publish", (t) =>
  t.field({
    type: PublishReportRef,
    description:
      "Imports `files` into `source` in one transaction, exactly as `agentry import` does (same reader, revisions, resolution, report): readers see all of it or none of it. Up to 100 files and 196,608 bytes a request; for more, beginPublish / stagePublishFiles / commitPublish. Needs `publish:<source>`.",
    errors: errorsOf("PublishResult", "The publish's report"),
    authScopes: (_root, args) => ({ publish: args.input.source }),
    complexity: (args) => filesCost(args.input.files),
    args: { input: t.arg({ type: PublishInput, required: true, description: "What to publish where." }) },
    resolve: (_root, { input }, ctx) =>
      publishFiles(
        writerOf(ctx),
        {
          source: input.source,
          files: input.files,
          prune: input.prune ?? false,
          ifGeneration: input.ifGeneration ?? null,
          visibility: input.visibility ?? undefined,
          delete: input.delete ?? [],
        },
        who(ctx),
      ),
  }),
);

builder.mutationField("beginPublish", (t) =>
  t.field({
    type: StagingRef,
    description:
      "Starts a publish over several requests (a folder larger than one request): stage its files with `stagePublishFiles`, then `commitPublish` imports them all in one transaction. Only the same caller may stage into it or commit it. Needs `publish:<source>`.",
    errors: errorsOf("BeginPublishResult", "The staging"),
    authScopes: (_root, args) => ({ publish: args.input.source }),
    args: { input: t.arg({ type: BeginPublishInput, required: true, description: "Where to publish." }) },
    resolve: (_root, { input }, ctx) =>
      beginPublish(
        writerOf(ctx),
        { source: input.source, ifGeneration: input.ifGeneration ?? null },
        who(ctx),
      ),
  }),
);

builder.mutationField("stagePublishFiles", (t) =>
  t.field({
    type: StagingRef,
    description:
      "Adds files to a staged publish (a path sent again replaces its staged text); readers see nothing of them until the commit. The same limits a request as `publish`. Needs `publish:<source>`.",
    errors: errorsOf("StagePublishFilesResult", "The staging with these files"),
    authScopes: (_root, args) => ({ publish: args.input.source }),
    complexity: (args) => filesCost(args.input.files),
    args: {
      input: t.arg({
        type: StagePublishFilesInput,
        required: true,
        description: "Which staging, and more files.",
      }),
    },
    resolve: (_root, { input }, ctx) =>
      stagePublishFiles(
        writerOf(ctx),
        { id: input.stagingId, source: input.source, files: input.files },
        who(ctx),
      ),
  }),
);

builder.mutationField("commitPublish", (t) =>
  t.field({
    type: PublishReportRef,
    description:
      "Imports every staged file in ONE transaction (readers see the old generation until it commits, then all of it) and deletes the staging. On an error nothing is changed and the staging stays until it expires. Needs `publish:<source>`.",
    errors: errorsOf("CommitPublishResult", "The publish's report"),
    authScopes: (_root, args) => ({ publish: args.input.source }),
    complexity: { field: 1000 },
    args: {
      input: t.arg({
        type: CommitPublishInput,
        required: true,
        description: "Which staging to commit, and how.",
      }),
    },
    resolve: (_root, { input }, ctx) =>
      commitPublish(
        writerOf(ctx),
        {
          id: input.stagingId,
          source: input.source,
          prune: input.prune ?? false,
          ifGeneration: input.ifGeneration ?? null,
          visibility: input.visibility ?? undefined,
          delete: input.delete ?? [],
        },
        who(ctx),
      ),
  }),
);

builder.mutationField("deleteAgent", (t) =>
  t.field({
    type: AgentChangeRef,
    description:
      "Soft-deletes the agent a ref answers with its file, as `import --prune` does: reads stop seeing it, references to it resolve again, its revisions stay; `restoreAgent` brings it back. Needs `publish:<source>`.",
    errors: errorsOf("DeleteAgentResult", "What was deleted"),
    authScopes: (_root, args) => ({ publish: sourceOfRef(args.ref) }),
    args: {
      ref: t.arg.string({
        required: true,
        description: "`source/name` of a live agent.",
        validate: refString,
      }),
    },
    resolve: (_root, args, ctx) => deleteAgent(writerOf(ctx), args.ref, who(ctx)),
  }),
);

builder.mutationField("restoreAgent", (t) =>
  t.field({
    type: AgentChangeRef,
    description:
      "Brings back the agent a ref named when it was last deleted (deleteAgent, a prune, deleteSource), at the revision it had. Refused while an agent of that ref is live. Needs `publish:<source>`.",
    errors: errorsOf("RestoreAgentResult", "What was restored"),
    authScopes: (_root, args) => ({ publish: sourceOfRef(args.ref) }),
    args: {
      ref: t.arg.string({
        required: true,
        description: "`source/name` of a deleted agent.",
        validate: refString,
      }),
    },
    resolve: (_root, args, ctx) => restoreAgent(writerOf(ctx), args.ref, who(ctx)),
  }),
);

builder.mutationField("deleteSource", (t) =>
  t.field({
    type: SourceChangeRef,
    description:
      "Soft-deletes a whole source: every file and entity at one instant, so `restoreSource` brings back exactly those. Needs `admin`.",
    errors: errorsOf("DeleteSourceResult", "What was deleted"),
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true, description: "The source's name.", validate: sourceName }) },
    resolve: (_root, args, ctx) => deleteSource(writerOf(ctx), args.name, who(ctx)),
  }),
);

builder.mutationField("restoreSource", (t) =>
  t.field({
    type: SourceChangeRef,
    description:
      "Undoes deleteSource: the files it deleted come back with their agents, skills and commands. Needs `admin`.",
    errors: errorsOf("RestoreSourceResult", "What was restored"),
    authScopes: { admin: true },
    args: {
      name: t.arg.string({ required: true, description: "The deleted source's name.", validate: sourceName }),
    },
    resolve: (_root, args, ctx) => restoreSource(writerOf(ctx), args.name, who(ctx)),
  }),
);
