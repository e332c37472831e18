// Tests that run inside workerd (@cloudflare/vitest-pool-workers) and call the Worker end to
// end against the local Postgres through the Neon stand-ins, which global-setup.ts starts in
// Node and hands over with `provide`.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./src/worker.ts",
      miniflare: {
        compatibilityDate: "2025-09-01",
        compatibilityFlags: ["nodejs_compat"],
      },
    }),
  ],
  test: {
    name: "workerd",
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["./test/worker/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
