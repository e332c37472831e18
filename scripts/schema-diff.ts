// npm run schema:diff — every change of schema/schema.graphql against schema/baseline.graphql
// (the API as last released), by @graphql-inspector/core. Fails on a BREAKING change that
// schema/breaking-changes.acknowledged.json does not list, and on a listed one that is no longer
// in the diff (the list stays exact). docs/decisions/0019-schema-change-checks.md.
//   --acknowledge "reason"   lists every unacknowledged breaking change with that reason
//   --release                the current schema becomes the baseline; the list is emptied
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Change, CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";

const root = resolve(import.meta.dirname, "..");
const SCHEMA = "schema/schema.graphql";
const BASELINE = "schema/baseline.graphql";
const ACKNOWLEDGED = "schema/breaking-changes.acknowledged.json";

interface Acknowledgement {
  /** The schema coordinate inspector gives (`Agent.tools`, `AgentryTool`), when it gives one. */
  path?: string;
  /** Inspector's message, exactly: what identifies the change. */
  message: string;
  /** Why it is made anyway, and what clients must do: read by whoever writes the release notes. */
  reason: string;
}

interface AcknowledgementFile {
  about: string;
  acknowledged: Acknowledgement[];
}

const read = (file: string) => readFileSync(resolve(root, file), "utf8");

const BASELINE_HEADER = (from: string) =>
  `# The public API as last released, the baseline of \`npm run schema:diff\` (from ${from}).\n` +
  "# Moved only by `npm run schema:diff -- --release`; docs/decisions/0019-schema-change-checks.md.\n\n";

const ABOUT =
  "Breaking changes of schema/schema.graphql against schema/baseline.graphql made on purpose " +
  "(npm run schema:diff; docs/decisions/0019-schema-change-checks.md). Each names inspector's " +
  "message and why; `npm run schema:diff -- --release` empties the list when it moves the baseline.";

function readAcknowledged(): AcknowledgementFile {
  try {
    return JSON.parse(read(ACKNOWLEDGED)) as AcknowledgementFile;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { about: ABOUT, acknowledged: [] };
    throw e;
  }
}

const matches = (a: Acknowledgement, c: Change) => a.message === c.message && (a.path ?? c.path) === c.path;

const LEVELS = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];

async function schemaChanges(): Promise<Change[]> {
  return diff(buildSchema(read(BASELINE)), buildSchema(read(SCHEMA)));
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--release")) {
    let sha = "the released schema/schema.graphql";
    try {
      sha = `commit ${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim()}`;
    } catch {
      // not a git checkout: the header says so without a commit
    }
    writeFileSync(resolve(root, BASELINE), BASELINE_HEADER(sha) + read(SCHEMA).replace(/^(#.*\n)+\n?/, ""));
    writeFileSync(
      resolve(root, ACKNOWLEDGED),
      `${JSON.stringify({ about: ABOUT, acknowledged: [] }, null, 2)}\n`,
    );
    console.log(`${BASELINE} is now ${SCHEMA}; ${ACKNOWLEDGED} emptied`);
    return 0;
  }

  const changes = await schemaChanges();
  const file = readAcknowledged();
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const unacknowledged = breaking.filter((c) => !file.acknowledged.some((a) => matches(a, c)));
  const stale = file.acknowledged.filter((a) => !breaking.some((c) => matches(a, c)));

  const ackIndex = args.indexOf("--acknowledge");
  if (ackIndex >= 0) {
    const reason = args[ackIndex + 1];
    if (!reason) {
      console.error('--acknowledge needs a reason: npm run schema:diff -- --acknowledge "why"');
      return 2;
    }
    file.acknowledged = [
      ...file.acknowledged.filter((a) => !stale.includes(a)),
      ...unacknowledged.map((c) => ({ ...(c.path ? { path: c.path } : {}), message: c.message, reason })),
    ];
    writeFileSync(resolve(root, ACKNOWLEDGED), `${JSON.stringify({ ...file, about: ABOUT }, null, 2)}\n`);
    console.log(`${ACKNOWLEDGED}: ${unacknowledged.length} added, ${stale.length} stale removed`);
    return 0;
  }

  console.log(`${SCHEMA} against ${BASELINE}: ${changes.length} changes`);
  for (const level of LEVELS) {
    const some = changes.filter((c) => c.criticality.level === level);
    if (some.length === 0) continue;
    console.log(`\n${level} (${some.length})`);
    for (const c of some) {
      const mark =
        level !== CriticalityLevel.Breaking ? " " : file.acknowledged.some((a) => matches(a, c)) ? "✓" : "✗";
      console.log(`${mark} ${c.path ?? "(schema)"}: ${c.message}`);
    }
  }
  let failed = false;
  if (unacknowledged.length > 0) {
    failed = true;
    console.error(
      `\n${unacknowledged.length} breaking change(s) not in ${ACKNOWLEDGED} (✗ above): undo them, or list each ` +
        `with the reason clients must change (npm run schema:diff -- --acknowledge "why")`,
    );
  }
  if (stale.length > 0) {
    failed = true;
    console.error(
      `\n${stale.length} acknowledged change(s) no longer in the diff: remove them from ${ACKNOWLEDGED}`,
    );
    for (const a of stale) console.error(`  ${a.path ?? "(schema)"}: ${a.message}`);
  }
  if (!failed) console.log(`\nno unacknowledged breaking change (${breaking.length} acknowledged)`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
