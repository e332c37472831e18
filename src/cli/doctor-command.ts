// `agentry doctor [--repair]`: checks the catalog's invariants and repairs what can be
// repaired without losing stored data (src/catalog/doctor.ts). Exit 0 when the catalog is
// consistent (after repair, with --repair), 1 when something is still wrong.
import { diagnoseCatalog, type Finding, repairCatalog } from "../catalog/doctor.js";
import { type DatabaseFlags, withDatabase } from "./catalog-commands.js";
import type { Output } from "./validate.js";

export interface DoctorFlags extends DatabaseFlags {
  repair?: boolean;
  json?: boolean;
}

function print(findings: Finding[], io: Output, prefix = ""): void {
  for (const f of findings) {
    const examples =
      f.examples.length > 0 ? `: ${f.examples.join(", ")}${f.count > f.examples.length ? ", …" : ""}` : "";
    const repair = f.repairable ? "" : " [not repaired automatically]";
    io.out(`${prefix}${f.check}: ${f.count} ${f.message}${examples}${repair}`);
  }
}

export async function doctorCommand(flags: DoctorFlags, io: Output): Promise<number> {
  return withDatabase(flags, "check", async (database) => {
    if (!flags.repair) {
      const findings = await diagnoseCatalog(database);
      if (flags.json) io.out(JSON.stringify({ findings }));
      else if (findings.length === 0) io.out("agentry doctor: the catalog is consistent");
      else {
        print(findings, io, "error: ");
        const repairable = findings.some((f) => f.repairable);
        io.out(
          `agentry doctor: ${findings.length} ${findings.length === 1 ? "invariant does" : "invariants do"} not hold` +
            (repairable
              ? "; `agentry doctor --repair` repairs what is marked repairable without losing stored files"
              : ""),
        );
      }
      return findings.length === 0 ? 0 : 1;
    }
    const { before, after } = await repairCatalog(database);
    if (flags.json) io.out(JSON.stringify({ before, after }));
    else if (before.length === 0) io.out("agentry doctor: the catalog is consistent; nothing to repair");
    else {
      print(before, io, "found: ");
      if (after.length === 0) io.out("agentry doctor: repaired; the catalog is consistent");
      else {
        print(after, io, "still: ");
        io.out(`agentry doctor: ${after.length} could not be repaired automatically (see above)`);
      }
    }
    return after.length === 0 ? 0 : 1;
  });
}
