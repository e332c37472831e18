import { describe, expect, it } from "vitest";
import { parseDefinition, render } from "../../src/definitions/index.js";

describe("plugin manifests", () => {
  it("reads name, version and description and keeps the whole manifest", () => {
    const text =
      '{\n  "name": "billing",\n  "version": "1.0.0",\n  "description": "Billing agents",\n  "category": "finance"\n}\n';
    const def = parseDefinition(text, { path: "plugins/billing/.claude-plugin/plugin.json" });
    expect(def).toMatchObject({
      kind: "plugin",
      name: "billing",
      version: "1.0.0",
      description: "Billing agents",
    });
    expect(def.kind === "plugin" && def.manifest.category).toBe("finance");
    expect(def.diagnostics).toEqual([]);
    expect(render(def)).toBe(text);
  });

  it("gives the line and column of invalid JSON", () => {
    const def = parseDefinition('{\n  "name": "x",\n}\n', { path: "p/.claude-plugin/plugin.json" });
    expect(def.diagnostics[0]).toMatchObject({ severity: "error", code: "json-invalid", line: 3, column: 1 });
    expect(def.name).toBe("p");
  });

  it("names the field that has the wrong type", () => {
    const def = parseDefinition('{\n  "name": "x",\n  "version": 3\n}', {
      path: "p/.claude-plugin/plugin.json",
    });
    expect(def.diagnostics[0]).toMatchObject({ severity: "error", field: "version", line: 3, column: 3 });
  });
});
