import type { Model, ModelFamily } from "./types.js";

/** `claude-3-5-sonnet-20241022`, `sonnet`, `opus-4` → their family; anything else is "other". */
export function readModel(value: unknown): Model | null {
  if (value === null || value === undefined || value === "") return null;
  const raw = String(value);
  const lower = raw.toLowerCase();
  let family: ModelFamily = "other";
  for (const f of ["opus", "sonnet", "haiku", "inherit"] as const) {
    if (lower.includes(f)) {
      family = f;
      break;
    }
  }
  return { raw, family };
}
