// The Worker serves the graph explorer (/explore) from its static assets (wrangler.toml
// [assets]: dist/assets/explore/, built by scripts/build-explorer.ts, which
// vitest.workers.config.ts runs when the build is stale), before anything else: a Worker whose
// database binding is missing still serves the page. ASSETS is miniflare's real static-assets
// binding over that folder, as deployed.
import { env as workerEnv } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EXPLORER_CSP } from "../../src/server/explorer.js";
import worker, { type Env } from "../../src/worker.js";

describe("the explorer on the Worker", () => {
  it("serves /explore and its assets from static assets, with the page's CSP and cache policy", async () => {
    const ASSETS = (workerEnv as Env).ASSETS;
    expect(ASSETS, "miniflare's assets binding (vitest.workers.config.ts)").toBeDefined();
    // No DATABASE_URL: the app cannot start, the page is served anyway.
    const env: Env = { ASSETS };
    const page = await worker.fetch(new Request("http://agentry.worker/explore"), env);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/explore\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, "the built page names its hashed script").toBeDefined();
    expect(page.headers.get("content-security-policy")).toBe(EXPLORER_CSP);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("etag")).toBeTruthy();
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-request-id")).toBeTruthy();
    const slash = await worker.fetch(new Request("http://agentry.worker/explore/?roots=a/b"), env);
    expect(slash.status).toBe(200);
    const js = await worker.fetch(new Request(`http://agentry.worker${script}`), env);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await js.text()).length).toBeGreaterThan(1000);
    const missing = await worker.fetch(new Request("http://agentry.worker/explore/assets/gone.js"), env);
    expect(missing.status).toBe(404);
    const post = await worker.fetch(new Request("http://agentry.worker/explore", { method: "POST" }), env);
    expect(post.status).toBe(405);
  });
});
