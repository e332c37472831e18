// Hostile definition files through every path that reads them: `validate`, `import`, and the
// GraphQL fields that read a stored file again (a catalog written before the reader had
// bounds may hold one). Round 1: 30,000 nested `[` imported as "1 created", then asking for
// its diagnostics aborted the server (exit 134) in 3 of 3 trials; validate and import aborted
// at 10,000 to 20,000 levels.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFiles } from "../../src/catalog/import.js";
import { gql, testApp } from "../support/app.js";
import { driverCases } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const HOSTILE: Record<string, string> = {
  "tools-30k.md": `---\nname: tools-30k\ndescription: Deep tools.\ntools: ${"[".repeat(30_000)}${"]".repeat(30_000)}\n---\nBody.\n`,
  "description-20k.md": `---\nname: description-20k\ndescription: ${"{a: ".repeat(20_000)}\n---\nBody.\n`,
  "blocks-3k.md": `---\nname: blocks-3k\ndescription: Deep blocks.\nlist:\n${"- ".repeat(3_000)}x\n---\nBody.\n`,
};
const cases = (await driverCases()).filter((d) => d.driver === "pglite" || d.driver === "pg");
const FINE = `---\nname: plain-agent\ndescription: Reads files.\ntools: Read\n---\nBody.\n`;

describe("hostile nesting", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "agentry-hostile-"));
    for (const [name, text] of Object.entries(HOSTILE)) await writeFile(join(dir, name), text);
    await writeFile(join(dir, "plain-agent.md"), FINE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("validate reports each file with a line and column, and does not abort", async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, "validate", dir]).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect((r as { code?: number }).code).toBe(1);
    for (const name of Object.keys(HOSTILE)) {
      expect(r.stdout).toMatch(
        new RegExp(`${name}:\\d+:\\d+: error: the frontmatter nests more than 64 levels`),
      );
    }
    expect(r.stderr).toContain("4 files checked: 3 errors");
  });

  for (const c of cases) {
    it(`import refuses them and stores the rest, and reads of an old stored one answer (${c.driver})`, async () => {
      const { database, cleanup } = await c.open();
      try {
        const files = [
          ...Object.entries(HOSTILE).map(([path, text]) => ({ path, text })),
          { path: "plain-agent.md", text: FINE },
        ];
        const report = await importFiles(database, files, { source: "hostile" });
        expect(report.created).toEqual(["plain-agent.md"]);
        expect(report.failed.map((f) => [f.path, f.diagnostics[0]!.code]).sort()).toEqual(
          Object.keys(HOSTILE)
            .map((p) => [p, "frontmatter-too-deep"])
            .sort(),
        );
        // A catalog from before the bounds and before diagnostics were stored (migration 0005):
        // the stored text of plain-agent becomes a hostile one, which a request then parses.
        await database.db.execute(sql`update revisions set content = ${HOSTILE["tools-30k.md"]!}`);
        await database.db.execute(sql`update agents set diagnostics = null`);
        const app = testApp(database);
        const r = await gql<{ agent: { diagnostics: { code: string; line: number }[]; markdown: string } }>(
          app,
          `{ agent(ref: "hostile/plain-agent") { ... on Agent { diagnostics { code line } markdown } } }`,
        );
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data!.agent.diagnostics.map((d) => d.code)).toContain("frontmatter-too-deep");
      } finally {
        await cleanup();
      }
    });
  }
});
