// Tests that run inside workerd (@cloudflare/vitest-pool-workers) and call the Worker end to
// end against the local Postgres through the Neon stand-ins, which global-setup.ts starts in
// Node and hands over with `provide`.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { buildExplorer, explorerStale } from "./scripts/build-explorer.js";

// The explorer's real static assets (wrangler.toml [assets]: dist/assets, the Worker first):
// test/worker/explorer.test.ts reads the built page through the ASSETS binding.
if (explorerStale()) await buildExplorer();

export default defineConfig({
  plugins: [
    // The Worker's own bindings (what SELF.fetch from "cloudflare:test" sends real requests
    // to, each in its own request context): the database global-setup.ts prepared, on neon-ws,
    // the driver whose sockets must not outlive a request. Tests calling worker.fetch directly
    // pass their own bindings.
    cloudflareTest(({ inject }) => {
      const env = inject("workerEnv");
      return {
        main: "./src/worker.ts",
        miniflare: {
          compatibilityDate: "2025-09-01",
          compatibilityFlags: ["nodejs_compat"],
          assets: {
            directory: "./dist/assets",
            binding: "ASSETS",
            routerConfig: { invoke_user_worker_ahead_of_assets: true },
          },
          bindings: env
            ? {
                ...env,
                AGENTRY_DB_DRIVER: "neon-ws",
                AGENTRY_CACHE_PREFIX: `${env.AGENTRY_CACHE_PREFIX}-self`,
              }
            : {},
        },
      };
    }),
  ],
  test: {
    name: "workerd",
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["./test/worker/global-setup.ts"],
    deps: {
      optimizer: {
        ssr: {
          // @apollo/subgraph (the federation plugin's runtime, entry and deep import) is CommonJS,
          // which the pool cannot run through Vite: workerd loads it natively, and there its
          // `require("graphql/validation")` came back undefined ("reading 'KnownTypeNamesRule'");
          // and the graphql it does get is a second instance beside the one Vite's module runner
          // gives Pothos and our code ("Cannot use GraphQLNonNull from another module or realm").
          // Pre-bundled to ESM, as wrangler's esbuild bundles it for deployment, with graphql left
          // out of the bundle, its requires of graphql become imports of the one graphql module
          // everything else imports.
          enabled: true,
          include: ["@apollo/subgraph", "@apollo/subgraph/dist/types.js"],
          exclude: [
            "graphql",
            "graphql/validation",
            "graphql/validation/validate",
            "graphql/validation/specifiedRules",
            // Node built-ins it requires: nodejs_compat provides them.
            "console",
            "fs",
            "path",
            "url",
            "util",
          ],
        },
      },
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
