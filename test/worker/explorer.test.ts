// The Worker serves the graph explorer (/explore) from its static assets (wrangler.toml
// [assets]: dist/assets/explore/, built by scripts/build-explorer.ts), before anything else:
// a Worker whose database binding is missing still serves the page. The asset binding here
// is a stand-in that answers as Workers static assets do (index.html at /explore/).
import { describe, expect, it } from "vitest";
import { EXPLORER_CSP } from "../../src/server/explorer.js";
import worker, { type Env } from "../../src/worker.js";

function assets() {
  const asked: string[] = [];
  return {
    asked,
    binding: {
      async fetch(request: Request): Promise<Response> {
        const { pathname } = new URL(request.url);
        asked.push(pathname);
        if (pathname === "/explore/")
          return new Response(
            '<!doctype html><script type="module" src="/explore/assets/index-abc.js"></script>',
            {
              headers: { "content-type": "text/html", etag: '"page"' },
            },
          );
        if (pathname === "/explore/assets/index-abc.js")
          return new Response("console.log(1)", {
            headers: { "content-type": "text/javascript", etag: '"js"' },
          });
        return new Response("not found", { status: 404 });
      },
    },
  };
}

describe("the explorer on the Worker", () => {
  it("serves /explore and its assets from static assets, with the page's CSP and cache policy", async () => {
    const a = assets();
    // No DATABASE_URL: the app cannot start, the page is served anyway.
    const env: Env = { ASSETS: a.binding };
    const page = await worker.fetch(new Request("http://agentry.worker/explore"), env);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/explore/assets/index-abc.js");
    expect(page.headers.get("content-security-policy")).toBe(EXPLORER_CSP);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("etag")).toBe('"page"');
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-request-id")).toBeTruthy();
    const slash = await worker.fetch(new Request("http://agentry.worker/explore/?roots=a/b"), env);
    expect(slash.status).toBe(200);
    const script = await worker.fetch(new Request("http://agentry.worker/explore/assets/index-abc.js"), env);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await worker.fetch(new Request("http://agentry.worker/explore/assets/gone.js"), env);
    expect(missing.status).toBe(404);
    const post = await worker.fetch(new Request("http://agentry.worker/explore", { method: "POST" }), env);
    expect(post.status).toBe(405);
    expect(a.asked).toEqual([
      "/explore/",
      "/explore/",
      "/explore/assets/index-abc.js",
      "/explore/assets/gone.js",
    ]);
  });
});
