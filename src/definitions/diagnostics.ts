import type { Diagnostic, Severity } from "./types.js";

/** Collects diagnostics for one file; every reader stage appends to the same list. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  add(severity: Severity, code: string, message: string, line = 1, column = 1, field?: string): void {
    const d: Diagnostic = { severity, code, message, line: Math.max(1, line), column: Math.max(1, column) };
    if (field !== undefined) d.field = field;
    this.items.push(d);
  }

  error(code: string, message: string, line?: number, column?: number, field?: string): void {
    this.add("error", code, message, line, column, field);
  }

  warn(code: string, message: string, line?: number, column?: number, field?: string): void {
    this.add("warning", code, message, line, column, field);
  }

  info(code: string, message: string, line?: number, column?: number, field?: string): void {
    this.add("info", code, message, line, column, field);
  }
}
