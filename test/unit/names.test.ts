// toKebab's one-pass ASCII path must give what the four replacements gave.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toKebab } from "../../src/definitions/names.js";

const byReplacements = (text: string) =>
  text
    .replace(/\*\*|__|`|\*|~~/g, "")
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

describe("toKebab", () => {
  it("reads ASCII as the replacements did", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."aZ9 -_*`~.Bc0xY\t:/"), maxLength: 30 }), (s) => {
        expect(toKebab(s)).toBe(byReplacements(s));
      }),
      { numRuns: 20000 },
    );
  });
  it("examples", () => {
    expect(toKebab("TikTok Strategist")).toBe("tik-tok-strategist");
    expect(toKebab("**backend_architect**")).toBe("backend-architect");
    expect(toKebab("C4-Code agent")).toBe("c4-code-agent");
    expect(toKebab("Café Owner")).toBe("cafe-owner");
  });
});
