// Errors a client can act on are part of the schema (the errors plugin turns them into union
// members): NotFoundError and InvalidInputError both implement the `Error` interface.
// Anything else is unexpected: masked by the server and logged with the request id.
import { InputValidationError } from "@pothos/plugin-validation";
import { NotFoundError } from "../catalog/reads/index.js";
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
