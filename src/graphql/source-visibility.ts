// setSourceVisibility: an admin makes a source public or private (issue 16 point 3). A publish
// may set it too (`PublishInput.visibility`, publish.ts); both write through
// src/catalog/source-visibility.ts, in one transaction with the audit event.
import { z } from "zod";
import { SOURCE_NAME } from "../auth/scopes.js";
import { setSourceVisibility } from "../catalog/publish.js";
import type { VisibilityChange } from "../catalog/source-visibility.js";
import { builder } from "./builder.js";
import { errorsOf, who } from "./publish.js";
import { SourceVisibilityEnum } from "./source.js";
import { writerOf } from "./writer.js";

const VisibilityChangeRef = builder.objectRef<VisibilityChange>("SourceVisibilityChange").implement({
  description: "A source's visibility after setSourceVisibility.",
  fields: (t) => ({
    source: t.exposeString("source", { description: "The source's name." }),
    visibility: t.field({
      type: SourceVisibilityEnum,
      description: "Its visibility now.",
      resolve: (c) => c.visibility,
    }),
    changed: t.exposeBoolean("changed", {
      description: "False when it already had that visibility: nothing was written, no event recorded.",
    }),
    generation: t.exposeInt("generation", {
      description:
        "The source's generation after the change (moved when `changed`, so no cached read survives it).",
    }),
  }),
});

builder.mutationField("setSourceVisibility", (t) =>
  t.field({
    type: VisibilityChangeRef,
    description:
      "Makes a live source PUBLIC (every caller with `read`) or PRIVATE (only `read:<source>`, `publish:<source>` and `admin`), recorded in the audit trail. Needs `admin`.",
    errors: errorsOf("SetSourceVisibilityResult", "The change"),
    authScopes: { admin: true },
    args: {
      source: t.arg.string({
        required: true,
        description: "The source's name.",
        validate: z.string().max(128, "at most 128 characters").regex(SOURCE_NAME, "not a source name"),
      }),
      visibility: t.arg({ type: SourceVisibilityEnum, required: true, description: "PUBLIC or PRIVATE." }),
    },
    resolve: (_root, args, ctx) => setSourceVisibility(writerOf(ctx), args.source, args.visibility, who(ctx)),
  }),
);
