import { z } from "zod";
import { SOURCE_NAME } from "../auth/scopes.js";
import { actorOf } from "../catalog/audit.js";
import type { ImportReport } from "../catalog/import.js";
import {
  type BrokenReference,
  type PlannedAgent,
  type PlannedChange,
  type PublishedFile,
  type PublishPlan,
  pathOfCursor,
  planPublish,
  publishedFileCursor,
  publishedFiles,
} from "../catalog/plan.js";
import type { Who } from "../catalog/publish.js";
import { builder } from "./builder.js";
import { connectionFrom, first } from "./connections.js";
import type { GraphQLContext } from "./context.js";
import { WRITE_ERROR_TYPES } from "./errors.js";
import { DIRECT_ONLY_ROOT_FIELDS } from "./federation.js";
import { RevisionDiffRef } from "./revision.js";
import { writerOf } from "./writer.js";

// A read of what a publisher may write: for direct clients (the CLI), not for a supergraph.
DIRECT_ONLY_ROOT_FIELDS.add("publishedFiles");

const who = (ctx: GraphQLContext): Who => ({ actor: actorOf(ctx.caller), requestId: ctx.requestId });

const sourceName = z
  .string()
  .max(128, "at most 128 characters")
  .regex(SOURCE_NAME, "letters, digits, dots, dashes and underscores, starting with a letter or digit");

// The types publish.ts defines, by name (one definition each in the schema).
const PublishFileInputName = "PublishFileInput" as never;
const PublishReportName = "PublishReport" as never;

const PlanPublishInput = builder.inputType("PlanPublishInput", {
  description:
    "A publish to plan: the same fields as `publish`'s input, or a staging (beginPublish, stagePublishFiles) for more files than a request holds.",
  fields: (t) => ({
    source: t.string({
      required: true,
      description: "The source the publish would write to, e.g. `acme-platform`.",
      validate: sourceName,
    }),
    files: t.field({
      type: [PublishFileInputName],
      required: false,
      description:
        "The files the publish would send (at most 100, 196,608 bytes in all, as `publish`); with `stagingId`, added to the staged ones (a path here replaces its staged text).",
    }) as never,
    stagingId: t.string({
      required: false,
      description:
        "Plan the commit of this staging (the `id` beginPublish answered) instead: its files as staged. The staging stays as it is.",
      validate: z.string().regex(/^[0-9a-f]{32}$/, "a staging id is the `id` beginPublish answered"),
    }),
    prune: t.boolean({
      defaultValue: false,
      description: "Plan `prune` too: the source's live files the publish does not include would be deleted.",
    }),
    delete: t.stringList({
      required: false,
      description: "Plan the deletion of these paths too, as `publish`'s `delete`.",
    }),
    ifGeneration: t.int({
      required: false,
      description:
        "The generation the publish would expect (as `publish`'s): an AgentryConflictError when the source is elsewhere.",
      validate: z.number().int().min(0, "must be at least 0").nullable().optional(),
    }),
  }),
});

const PlannedAgentRef = builder.objectRef<PlannedAgent>("PlannedAgent").implement({
  description: "An agent the publish would add or remove.",
  fields: (t) => ({
    ref: t.exposeString("ref", { description: "Its ref, `source/name`." }),
    name: t.exposeString("name", { description: "Its name, e.g. `release-captain`." }),
    path: t.exposeString("path", {
      description: "The path of the file that declares it, e.g. `agents/x.md`.",
    }),
  }),
});

const PlannedChangeRef = builder.objectRef<PlannedChange>("PlannedAgentChange").implement({
  description: "An agent whose file the publish would change: what would change, as `Agent.diff` answers it.",
  fields: (t) => ({
    ref: t.exposeString("ref", { description: "Its ref, `source/name`." }),
    name: t.exposeString("name", { description: "Its name." }),
    path: t.exposeString("path", { description: "The path of its file after the publish." }),
    diff: t.field({
      type: RevisionDiffRef,
      description:
        "Its current revision (`fromRevision`) against the one the publish would store (`toRevision`): tools, skills, model, collaboration edges, commands, examples.",
      resolve: (c) => c.diff,
    }),
  }),
});

const BrokenReferenceRef = builder.objectRef<BrokenReference>("PlannedBrokenReference").implement({
  description:
    "A reference the publish would leave pointing at nothing that points at something (or does not exist) now: an agent whose handoff target disappears, a skill no longer imported, a new reference to a missing name.",
  fields: (t) => ({
    kind: t.exposeString("kind", {
      description: "What the name names: `collaborator` (an agent), `skill` or `command`.",
    }),
    name: t.exposeString("name", {
      description: "The name as the reference writes it, e.g. `release-captain` or `/ops:rollback`.",
    }),
    agent: t.exposeString("agent", { description: "The ref of the agent whose file holds the reference." }),
    path: t.exposeString("path", { description: "That agent's file." }),
    line: t.exposeInt("line", {
      nullable: true,
      description: "The line of `path` that states the reference (1-based); null when it has none.",
    }),
    text: t.exposeString("text", { nullable: true, description: "That line's text." }),
    targetRemoved: t.exposeBoolean("targetRemoved", {
      description:
        "True when the name answers an agent, skill or command now that the publish would remove: the reference's agent is a dependent the publish breaks.",
    }),
  }),
});

const PublishPlanRef = builder.objectRef<PublishPlan>("PublishPlan").implement({
  description:
    "What a publish would do, computed by running it in a transaction that is rolled back: nothing of it is stored.",
  fields: (t) => ({
    source: t.exposeString("source", { description: "The source planned." }),
    currentGeneration: t.exposeInt("currentGeneration", {
      description: "The source's generation now (0 for a new source): the `ifGeneration` to publish with.",
    }),
    report: t.field({
      type: PublishReportName,
      description:
        "The report the publish would answer (its `generation`: the one the publish would leave), failures located.",
      resolve: ((p: PublishPlan): ImportReport => p.report) as never,
    }) as never,
    agentsAdded: t.field({
      type: [PlannedAgentRef],
      description: "Agents the publish would add, by path.",
      resolve: (p) => p.added,
    }),
    agentsRemoved: t.field({
      type: [PlannedAgentRef],
      description: "Agents the publish would remove (pruned or renamed), by path.",
      resolve: (p) => p.removed,
    }),
    agentsChanged: t.field({
      type: [PlannedChangeRef],
      description: "Agents whose file the publish would change, with what would change, by path.",
      resolve: (p) => p.changed,
    }),
    brokenReferences: t.field({
      type: [BrokenReferenceRef],
      description:
        "References unresolved after the publish that are not now (by agent, kind and name), by path and line.",
      resolve: (p) => p.broken,
    }),
    breaks: t.boolean({
      description: "True when `brokenReferences` is not empty (`agentry plan` exits 3).",
      resolve: (p) => p.broken.length > 0,
    }),
  }),
});

builder.mutationField("planPublish", (t) =>
  t.field({
    type: PublishPlanRef,
    description:
      "What `publish` (or `commitPublish` of a staging) would change, without changing anything: the same import, under the source's lock, in a transaction that is rolled back (no rows, no generation step, no audit event). Refused as the publish would be. A Mutation field because it runs the write (a query must not take write locks), though it commits nothing. Needs `publish:<source>`.",
    errors: {
      types: WRITE_ERROR_TYPES,
      union: {
        name: "PlanPublishResult",
        description:
          "The plan, or why not: AgentryUnauthenticatedError (no key), AgentryForbiddenError (the key lacks the scope), AgentryInvalidInputError, AgentryPublishRefusedError (a limit or path rule), AgentryConflictError (ifGeneration, a deleted source), AgentrySourceBusyError, AgentryNotFoundError (the staging).",
      },
    },
    authScopes: (_root, args) => ({ publish: args.input.source }),
    complexity: (args) => ({ field: 1000 + 10 * ((args.input.files as unknown[] | null)?.length ?? 0) }),
    args: { input: t.arg({ type: PlanPublishInput, required: true, description: "The publish to plan." }) },
    resolve: (_root, { input }, ctx) =>
      planPublish(
        writerOf(ctx, "plans"),
        {
          source: input.source,
          files: ((input as { files?: { path: string; content: string }[] | null }).files ?? []).map((f) => ({
            path: f.path,
            content: f.content,
          })),
          stagingId: input.stagingId ?? null,
          prune: input.prune ?? false,
          ifGeneration: input.ifGeneration ?? null,
          delete: input.delete ?? [],
        },
        who(ctx),
      ),
  }),
);

const PublishedFileRef = builder.objectRef<PublishedFile>("PublishedFile").implement({
  description: "A live file of a source: its path and the hash of its stored text.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "Its path in the source, e.g. `agents/x.md`." }),
    contentHash: t.exposeString("contentHash", {
      description:
        "SHA-256 of its text (UTF-8), in hex: a file whose local hash is this one is unchanged, and a publish need not send it.",
    }),
  }),
});

interface PublishedFilesConnection {
  edges: { node: PublishedFile; cursor: string }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
  generation: number;
}

builder.queryField("publishedFiles", (t) =>
  t.connection(
    {
      type: PublishedFileRef,
      description:
        "The live files of a source with their content hashes, by path (byte order), and the source's generation: what a push compares to send only changed files. An unknown source has none. Needs `publish:<source>` (a GraphQL error with code UNAUTHENTICATED or FORBIDDEN otherwise).",
      authScopes: (_root, args) => ({ publish: args.source }),
      args: {
        source: t.arg.string({ required: true, description: "The source's name.", validate: sourceName }),
      },
      validate: z
        .object({
          first: first.optional().nullable(),
          after: z
            .string()
            .refine((c) => pathOfCursor(c) !== null, "this cursor was not made by this query")
            .optional()
            .nullable(),
        })
        .passthrough(),
      complexity: (args) => ({ field: 10, multiplier: args.first ?? 100 }),
      resolve: async (_root, args, ctx): Promise<PublishedFilesConnection> => {
        const page = await publishedFiles(ctx.db, {
          source: args.source,
          first: args.first ?? 100,
          after: args.after ? pathOfCursor(args.after) : null,
        });
        return {
          ...connectionFrom(page.files, (f) => publishedFileCursor(f.path), page),
          generation: page.generation,
        };
      },
    },
    {
      name: "PublishedFileConnection",
      description: "A page of a source's live files and their hashes, by path.",
      edgesField: { description: "The page's files, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "How many live files the source holds, over all pages.",
          resolve: (conn) => (conn as unknown as PublishedFilesConnection).totalCount,
        }),
        generation: c.int({
          description:
            "The source's generation when this page was read (0 for an unknown source): a page read at another generation means someone published in between.",
          resolve: (conn) => (conn as unknown as PublishedFilesConnection).generation,
        }),
      }),
    },
    {
      name: "PublishedFileEdge",
      description: "A file of the page and its cursor.",
      nodeField: { description: "The file." },
    },
  ),
);
