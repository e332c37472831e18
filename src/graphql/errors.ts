// Errors a client can act on are part of the schema (the errors plugin turns them into union
// members): NotFoundError and InvalidInputError both implement the `Error` interface.
// Anything else is unexpected: masked by the server and logged with the request id.
import { InputValidationError } from "@pothos/plugin-validation";
import { ConflictError, PublishRefusedError, SourceBusyError } from "../catalog/publish.js";
import type { PublishRule } from "../catalog/publish-limits.js";
import { NotFoundError } from "../catalog/reads/index.js";
import { ForbiddenError, UnauthenticatedError } from "./auth-errors.js";
import { builder } from "./builder.js";

/** Input the arguments' own schemas cannot judge (a cursor from elsewhere, an unknown id). */
export function invalidInput(path: string, message: string): InputValidationError {
  return new InputValidationError({ issues: [{ path: [path], message }] });
}

export const ErrorInterface = builder.interfaceRef<Error>("AgentryError").implement({
  description: "A problem with the request that the client can act on.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, in English, for a person." }),
  }),
});

builder.objectType(NotFoundError, {
  name: "AgentryNotFoundError",
  interfaces: [ErrorInterface],
  description: "The thing asked for does not exist (or was deleted).",
  fields: (t) => ({
    message: t.exposeString("message", {
      description: 'What matched nothing, e.g. `no agent "acme-platform/compliance-officer"`.',
    }),
    entity: t.exposeString("entity", { description: "What was looked for: `agent`, `revision`…" }),
    ref: t.string({ description: "The reference or id that matched nothing.", resolve: (e) => String(e.id) }),
  }),
});

interface InputIssue {
  path: string;
  message: string;
}

const InputIssueRef = builder.objectRef<InputIssue>("AgentryInputIssue").implement({
  description: "One argument that failed validation, and why.",
  fields: (t) => ({
    path: t.exposeString("path", {
      description: "The argument, e.g. `ref` or `filter.text` (an item of a list by its index: `roots.1`).",
    }),
    message: t.exposeString("message", { description: "Why it was refused, e.g. `at most 4`." }),
  }),
});

export function issuesOf(error: InputValidationError): InputIssue[] {
  return error.issues.map((i) => ({
    path: (i.path ?? [])
      .map((p) => (typeof p === "object" && p !== null ? String(p.key) : String(p)))
      .join("."),
    message: i.message,
  }));
}

builder.objectType(InputValidationError, {
  name: "AgentryInvalidInputError",
  interfaces: [ErrorInterface],
  description: "An argument failed validation; `issues` says which and why.",
  fields: (t) => ({
    message: t.string({
      description: "Every issue as `path: message`, joined with `; `.",
      resolve: (e) =>
        issuesOf(e)
          .map((i) => `${i.path}: ${i.message}`)
          .join("; "),
    }),
    issues: t.field({
      type: [InputIssueRef],
      description: "Each argument that failed and why, in the order they were checked.",
      resolve: issuesOf,
    }),
  }),
});

export const ERROR_TYPES = [NotFoundError, InputValidationError];
export { InputValidationError, NotFoundError };

builder.objectType(UnauthenticatedError, {
  name: "AgentryUnauthenticatedError",
  interfaces: [ErrorInterface],
  description:
    "The request said nobody is calling (no `Authorization: Bearer` key), and this needs a scope: send a key that holds `requiredScope`.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What is needed and how to send it." }),
    requiredScope: t.exposeString("requiredScope", {
      description: "The scope this needs, e.g. `publish:acme-platform` or `admin`.",
    }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "AgentryForbiddenError",
  interfaces: [ErrorInterface],
  description:
    "The caller is known but does not hold the scope this needs (`requiredScope`). Nothing was changed.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "Which scope is missing." }),
    requiredScope: t.exposeString("requiredScope", {
      description: "The scope this needs, e.g. `publish:acme-platform` (which `admin` implies) or `admin`.",
    }),
  }),
});

builder.objectType(ConflictError, {
  name: "AgentryConflictError",
  interfaces: [ErrorInterface],
  description:
    "The source is not as the request expects: it moved past `ifGeneration` (someone else published in between), it is deleted, or the agent to restore is live. Nothing was changed.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What the source is at, and what to do." }),
    source: t.exposeString("source", { description: "The source's name." }),
    currentGeneration: t.exposeInt("currentGeneration", {
      description:
        "The source's generation now (0 for a source never published): pass it as `ifGeneration` after reading the source again.",
    }),
    expectedGeneration: t.exposeInt("expectedGeneration", {
      nullable: true,
      description: "The `ifGeneration` the request gave; null when it gave none.",
    }),
  }),
});

builder.objectType(SourceBusyError, {
  name: "AgentrySourceBusyError",
  interfaces: [ErrorInterface],
  description:
    "Another import or publish of the source held it for longer than a publish waits (8 s). Nothing was changed: try again.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "Which source, and how long the request waited." }),
    source: t.exposeString("source", { description: "The source's name." }),
  }),
});

const PUBLISH_RULES: Record<PublishRule, string> = {
  FILES_PER_REQUEST: "More files in one request than a request may carry (100): stage them over several.",
  DELETES_PER_PUBLISH: "More paths in `delete` than one publish may name (10,000): use `prune`.",
  DELETE_AND_PUBLISH: "A path both sent in `files` and named in `delete`.",
  FILE_BYTES: "A file larger than a file may be (131,072 bytes of UTF-8).",
  REQUEST_BYTES:
    "More content in one request than a request may carry (196,608 bytes): stage it over several.",
  STAGED_FILES: "More files than one staged publish may hold (10,000).",
  STAGED_BYTES: "More content than one staged publish may hold (64 MiB).",
  PATH_EMPTY: "An empty path.",
  PATH_TOO_LONG: "A path longer than 1,024 bytes of UTF-8.",
  PATH_ABSOLUTE:
    "An absolute path (a leading `/` or a drive letter): paths are relative to the source's root.",
  PATH_BACKSLASH: "A backslash in a path: folders are separated by `/`.",
  PATH_DOT_SEGMENT: "A `.` or `..` segment in a path.",
  PATH_EMPTY_SEGMENT: "An empty segment in a path (`//`, or a trailing `/`).",
  PATH_CONTROL_CHARACTER: "A control character (NUL, newline, …) in a path.",
  PATH_NOT_A_DEFINITION:
    "A path an import does not read: not an agent or command `.md`, a `skills/<name>/SKILL.md` or a `.claude-plugin/plugin.json`.",
  PATH_DUPLICATE: "The same path twice in one request.",
  NOT_UTF8: "A path or content that is not valid UTF-8 (a lone surrogate).",
};

export const PublishRuleEnum = builder.enumType("PublishRule", {
  description: "Which limit or path rule refused a publish (every one is checked before any work).",
  values: Object.fromEntries(
    Object.entries(PUBLISH_RULES).map(([name, description]) => [name, { value: name, description }]),
  ) as Record<PublishRule, { value: PublishRule; description: string }>,
});

builder.objectType(PublishRefusedError, {
  name: "AgentryPublishRefusedError",
  interfaces: [ErrorInterface],
  description:
    "A publish refused before any work by a limit or a path rule: `rule` says which, `path` and `index` which file, `limit` and `actual` the numbers. Nothing was stored.",
  fields: (t) => ({
    message: t.exposeString("message", {
      description: 'The file and the rule, e.g. `files.3 "../x.md": the path has a `.` or `..` segment`.',
    }),
    rule: t.field({ type: PublishRuleEnum, description: "The rule or limit.", resolve: (e) => e.rule }),
    path: t.exposeString("path", {
      nullable: true,
      description:
        "The file's path as sent (control characters shown as `?`); null when the whole request is refused.",
    }),
    index: t.exposeInt("index", {
      nullable: true,
      description: "The file's index in `files`; null when the whole request is refused.",
    }),
    limit: t.exposeInt("limit", {
      nullable: true,
      description: "The limit exceeded (bytes or files); null for a path rule.",
    }),
    actual: t.exposeInt("actual", {
      nullable: true,
      description:
        "What the request sent or would make the staging hold (bytes or files); null for a path rule.",
    }),
  }),
});

/** What every write answers besides its result: the refusals of the caller, the source and the input. */
export const WRITE_ERROR_TYPES = [
  UnauthenticatedError,
  ForbiddenError,
  NotFoundError,
  InputValidationError,
  ConflictError,
  SourceBusyError,
  PublishRefusedError,
];
