// A PostgreSQL server of the test's own, with password (SCRAM) authentication: the shared
// local server trusts every connection, so a wrong password can only be refused by another.
// Started from the machine's PostgreSQL binaries as the `postgres` user (the server refuses to
// run as root); about 1.5 s.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_ROOT = "/usr/lib/postgresql";

function binaries(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const version = readdirSync(PG_ROOT).sort().at(-1);
  const bin = version ? join(PG_ROOT, version, "bin") : null;
  return bin && existsSync(join(bin, "initdb")) ? bin : null;
}

export function privatePostgresAvailable(): boolean {
  return binaries() !== null && process.getuid?.() === 0;
}

export async function startPrivatePostgres(
  password: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const bin = binaries()!;
  const home = await mkdtemp(join(tmpdir(), "agentry-pg-"));
  const pgUid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const pgGid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  await chown(home, pgUid, pgGid);
  await writeFile(join(home, "pw"), `${password}\n`);
  await chown(join(home, "pw"), pgUid, pgGid);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const asPostgres = (cmd: string) =>
    execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", cmd], { stdio: ["ignore", "pipe", "pipe"] });
  asPostgres(`${bin}/initdb -D ${home}/data -A scram-sha-256 --pwfile=${home}/pw -U postgres`);
  asPostgres(
    `${bin}/pg_ctl -D ${home}/data -w -o '-p ${port} -k ${home} -c listen_addresses=127.0.0.1' -l ${home}/log start`,
  );
  return {
    port,
    stop: async () => {
      asPostgres(`${bin}/pg_ctl -D ${home}/data -m immediate stop`);
      await rm(home, { recursive: true, force: true });
    },
  };
}
