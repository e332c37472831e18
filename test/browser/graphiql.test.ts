// A real browser: headless Chromium (Debian's package) driven by playwright-core opens
// GraphiQL, runs an example operation, and the result shows on the page.
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, listen } from "../support/app.js";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const available = chromiumAvailable("the GraphiQL browser test");

describe.runIf(available)("GraphiQL in a browser", () => {
  let t: TestDatabase;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  beforeAll(async () => {
    const [pglite] = await driverCases();
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    server = await listen(
      createApp({ database: t.database, logger: captureLogger(), graphiql: { render: renderGraphiQL } }),
    );
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.cleanup();
  });

  it("runs an example operation and shows its result", async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith("data:") && !r.url().startsWith("blob:"))
        external.push(r.url());
    });
    // The page runs under the content security policy http-headers.ts gives HTML: anything
    // it blocks (a script, a style, a worker GraphiQL needs) is reported on the console.
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${server.url}/graphql`);
    const editor = page
      .locator(".graphiql-query-editor .CodeMirror, .graphiql-query-editor .cm-editor, .graphiql-editor")
      .first();
    await editor.waitFor({ timeout: 30_000 });
    // The editor opens with our example operations, the cursor in the first (AgentDetail).
    // The autocomplete popup covers the Run button: Escape, then Control+Enter runs it.
    await editor.click();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+Enter");
    const result = page.locator(".graphiql-response, .result-window").first();
    await expect
      .poll(async () => await result.innerText(), { timeout: 20_000 })
      .toContain("acme-platform/api-designer");
    // CodeMirror renders spaces as no-break spaces and wraps long lines.
    const text = (await result.innerText()).replace(/\s+/g, " ");
    expect(text).toContain('"__typename": "Agent"');
    // The response pane renders only its visible lines: the top of the answer is enough to
    // show that the example catalog's agent came back.
    expect(text).toMatch(/"ref": "acme-platform\/api-designer", "description": "Designs HTTP APIs/);
    expect(external).toEqual([]);
    expect(blocked).toEqual([]);
    await page.screenshot({ path: "test/browser/graphiql.png" }).catch(() => {});
  });
});
