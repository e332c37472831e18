import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Storage tests share the local Postgres; files run in parallel on separate databases.
          pool: "forks",
        },
      },
      // Inside workerd, the runtime Cloudflare runs Workers on.
      "./vitest.workers.config.ts",
    ],
  },
});
