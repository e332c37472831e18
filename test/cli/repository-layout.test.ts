// Which files of a folder are read (issue 14, point 4): a repository as Claude Code reads it, a
// flat folder whole, `--include` to widen; and `validate` checking names across files (point 3).
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import { importFiles } from "../../src/catalog/import.js";
import { findDefinitionFiles, globToRegExp, isRepository, readText } from "../../src/cli/files.js";
import { driverCases, freshPostgresDatabase, postgresAvailable } from "../support/databases.js";

const BIN = resolve(import.meta.dirname, "../../bin/agentry.js");
const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: FIXTURES });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const notes: string[] = [];
const find = async (dir: string, include: string[] = []) =>
  (await findDefinitionFiles([dir], { include, note: (l) => notes.push(l) })).map(
    (f) => `${f.kind} ${f.relativePath}`,
  );

describe("a repository is read as Claude Code reads it", () => {
  const repo = join(FIXTURES, "repository");

  it("reads agents/, .claude/agents/, commands/, skills/*/SKILL.md and the plugin manifest only", async () => {
    notes.length = 0;
    expect(await find(repo)).toEqual([
      "plugin .claude-plugin/plugin.json",
      "agent .claude/agents/harbor-clerk.md",
      "agent agents/dock-inspector.md",
      "agent agents/ship-captain.md",
      "command commands/ship.md",
      "skill skills/deploy-checklist/SKILL.md",
    ]);
    // docs/ (with or without frontmatter), prompts/, README and design notes are skipped, and said so.
    expect(notes.join("\n")).toMatch(/4 Markdown files outside its layouts not read/);
  });

  it("--include widens it", async () => {
    expect(await find(repo, ["prompts/**"])).toContain("agent prompts/release-prompt.md");
    expect(await find(repo, ["docs/**/*.md"])).toEqual(
      expect.arrayContaining(["agent docs/overview.md", "agent docs/design/captain.md"]),
    );
    expect(await find(repo, ["*-NOTES.md"])).toContain("agent DESIGN-NOTES.md");
    expect(await find(repo, ["prompts/*.txt"])).not.toContain("agent prompts/release-prompt.md");
  });

  describe("what makes a folder a repository", () => {
    let dir = "";
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "agentry-layout-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("a .git folder: its loose Markdown is not agents, a top-level file with frontmatter is", async () => {
      const r = join(dir, "with-git");
      await mkdir(join(r, ".git"), { recursive: true });
      await mkdir(join(r, "notes"), { recursive: true });
      await writeFile(join(r, "notes", "idea.md"), "# An idea\n");
      await writeFile(join(r, "reviewer.md"), "---\nname: reviewer\ndescription: Reviews.\n---\nReview.\n");
      await writeFile(join(r, "TODO.md"), "# Todo\n- things\n");
      expect(await isRepository(r)).toBe(true);
      expect(await find(r)).toEqual(["agent reviewer.md"]);
    });

    it("plugins/<name>/agents/ is a layout; a folder of category folders is not a repository", async () => {
      const r = join(dir, "marketplace");
      await mkdir(join(r, "plugins", "tides", "agents"), { recursive: true });
      await mkdir(join(r, "guides"), { recursive: true });
      await writeFile(join(r, "plugins", "tides", "agents", "pilot.md"), "---\nname: pilot\n---\n");
      await writeFile(join(r, "guides", "howto.md"), "# How to\n");
      expect(await find(r)).toEqual(["agent plugins/tides/agents/pilot.md"]);
      expect(await isRepository(join(FIXTURES, "flat-agents"))).toBe(false);
    });
  });

  it("a flat folder of agent files is read whole, subfolders too, as before", async () => {
    expect(await find(join(FIXTURES, "flat-agents"))).toEqual([
      "agent by-team/net-mender.md",
      "agent tide-planner.md",
    ]);
  });

  it("validate walks the same way and takes --include", async () => {
    const plain = await run("validate", "repository");
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^6 files checked/m);
    const wider = await run("validate", "--include", "prompts/**", "--include", "docs/*.md", "repository");
    expect(wider.stderr).toMatch(/^8 files checked/m);
  });
});

describe("validate checks names across the files of a folder, as import does", () => {
  it("two files declaring one agent name: an error on both, the others pass", async () => {
    const r = await run("validate", "--json", "duplicate-names");
    expect(r.code).toBe(1);
    const byPath = new Map(
      r.stdout
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as { path: string; ok: boolean; diagnostics: { code: string; message: string }[] },
        )
        .map((o) => [o.path.replace(/^duplicate-names\/agents\//, ""), o]),
    );
    for (const [file, other] of [
      ["lighthouse-keeper.md", "lighthouse-keeper-copy.md"],
      ["lighthouse-keeper-copy.md", "lighthouse-keeper.md"],
    ] as const) {
      const o = byPath.get(file)!;
      expect(o.ok).toBe(false);
      const d = o.diagnostics.find((x) => x.code === "name-conflict");
      expect(d?.message).toContain(`agents/${other}`);
    }
    expect(byPath.get("fog-horn.md")?.ok).toBe(true);
  });

  it("the same name in two plugins' commands is no conflict; in one plugin it is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "agentry-names-"));
    try {
      await cp(join(FIXTURES, "repository"), join(dir, "r"), { recursive: true });
      for (const ns of ["a", "b"]) {
        await mkdir(join(dir, "r", "plugins", ns, "commands"), { recursive: true });
        await writeFile(join(dir, "r", "plugins", ns, "commands", "go.md"), "Go.\n");
      }
      const ok = await promisify(execFile)(process.execPath, [BIN, "validate", join(dir, "r")]).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
      expect(ok).toBe(0);
      await writeFile(
        join(dir, "r", "plugins", "a", "commands", "nested-go.md"),
        "---\nname: go\n---\nGo.\n",
      );
      const bad = await promisify(execFile)(process.execPath, [BIN, "validate", join(dir, "r")]).then(
        () => ({ code: 0, stdout: "" }),
        (e: { code: number; stdout: string }) => e,
      );
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/command name "go" in plugin "a" is also declared by/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("globToRegExp", () => {
  const m = (glob: string, path: string) => globToRegExp(glob).test(path);
  it("matches as .gitignore-style globs do", () => {
    expect(m("prompts/**", "prompts/a/b.md")).toBe(true);
    expect(m("prompts/*.md", "prompts/a/b.md")).toBe(false);
    expect(m("prompts/*.md", "prompts/b.md")).toBe(true);
    expect(m("**/*.md", "x.md")).toBe(true);
    expect(m("*.md", "deep/in/x.md")).toBe(true);
    expect(m("docs/{a,b}.md", "docs/b.md")).toBe(true);
    expect(m("docs/{a,b}.md", "docs/c.md")).toBe(false);
    expect(m("agent?.md", "agent1.md")).toBe(true);
    expect(m("[ab].md", "b.md")).toBe(true);
    expect(m("[!ab].md", "b.md")).toBe(false);
    expect(m("./docs/", "docs/x/y.md")).toBe(true);
    expect(m("a.b", "axb")).toBe(false);
  });
});

describe.each(await driverCases())("a repository that is one plugin, on $driver", ({ open }) => {
  it("resolves /<plugin>:<command> to commands/<command>.md through the root manifest", async () => {
    const t = await open();
    try {
      const found = await findDefinitionFiles([join(FIXTURES, "repository")], { note: () => {} });
      const files = await Promise.all(
        found.map(async (f) => ({ path: f.relativePath, kind: f.kind, text: (await readText(f.path)).text })),
      );
      const report = await importFiles(t.database, files, { source: "harbor" });
      expect(report.failed).toEqual([]);
      const rows = rowsOf<{ name: string; path: string | null }>(
        await t.database.db.execute(sql`
          select m.name, f.path from agent_commands m join agents a on a.id = m.agent_id
            left join commands k on k.id = m.command_id left join files f on f.id = k.file_id
           where a.name = 'ship-captain'`),
      );
      expect(rows).toEqual([{ name: "/harbor:ship", path: "commands/ship.md" }]);
    } finally {
      await t.cleanup();
    }
  });
});

describe.runIf(await postgresAvailable())("agentry import of a repository", () => {
  it("stores Claude Code's layouts only, and what --include adds", async () => {
    const fresh = await freshPostgresDatabase();
    try {
      const db = ["--database-url", fresh.url];
      const plain = await run("import", "repository", "--source", "harbor", "--json", ...db);
      expect(plain.code).toBe(0);
      expect(JSON.parse(plain.stdout).created).toHaveLength(6);
      const wider = await run(
        "import",
        "repository",
        "--source",
        "harbor",
        "--include",
        "prompts/**",
        "--json",
        ...db,
      );
      const report = JSON.parse(wider.stdout);
      expect(report.created).toEqual(["prompts/release-prompt.md"]);
      expect(report.unchanged).toHaveLength(6);
    } finally {
      await fresh.drop();
    }
  });
});
