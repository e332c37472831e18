// What an unexpected error's log line keeps: the causes with their codes, the stack frames,
// and never the parameters drizzle puts in its message (an import's are whole files).
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/server/error-log.js";

describe("describeError", () => {
  it("drops drizzle's parameters and keeps the cause chain with codes", () => {
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    const wrapped = new Error(
      `Failed query: insert into revisions values ($1)\nparams: ${"SECRET FILE TEXT\n".repeat(1000)}`,
      {
        cause: deadlock,
      },
    );
    const line = describeError(wrapped);
    expect(line.error).toBe("Error: Failed query: insert into revisions values ($1)");
    expect(line.causes).toEqual([{ message: "Error: deadlock detected", code: "40P01" }]);
    expect(JSON.stringify(line)).not.toContain("SECRET");
    expect(line.stack?.split("\n")[0]).toMatch(/^at /);
  });

  it("follows an AggregateError to its first part (one refused address of several)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const line = describeError(
      new Error("Failed query: select 1", { cause: new AggregateError([refused], "") }),
    );
    expect(line.causes).toHaveLength(2);
    expect(line.causes?.at(-1)).toEqual({
      message: "Error: connect ECONNREFUSED 127.0.0.1:1",
      code: "ECONNREFUSED",
    });
  });

  it("keeps a long message to one bounded line", () => {
    const line = describeError(new Error(`${"x".repeat(10_000)}\n\nmore`));
    expect(line.error.length).toBeLessThanOrEqual(510);
    expect(line.error).not.toContain("\n");
  });
});
