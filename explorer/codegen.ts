// GraphQL Code Generator: the explorer's operation types from the printed schema. The output
// (src/gql/) is checked in, as schema/ is: `npm run codegen` writes it, `npm run codegen:check`
// (CI, through `npm run check:explorer`) fails when it is not what the schema and the page's
// operations give. See docs/decisions/0028-graph-explorer.md.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["explorer/src/**/*.ts", "!explorer/src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "explorer/src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Types only for what the operations use; enums as string unions (no runtime code).
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { AgentryDateTime: "string" },
      },
    },
  },
};

export default config;
