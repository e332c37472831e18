// A key's lifetime as `agentry keys create --expires` and the createApiKey mutation take it:
// a whole number and a unit, `90m`, `12h`, `30d`, `2w`, at most ten years.
export class DurationError extends Error {}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_MS = 3660 * 86_400_000; // ten years

/** `30d`, `12h`, `90m`, `2w` in milliseconds; anything else is a DurationError naming `flag`. */
export function parseDuration(value: string, flag = "--expires"): number {
  const m = /^([1-9]\d{0,6})([mhdw])$/.exec(value.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
  if (!(ms > 0) || ms > MAX_MS)
    throw new DurationError(
      `${flag} "${value.length > 40 ? `${value.slice(0, 40)}…` : value}": use a whole number and a unit, like 90m, 12h, 30d or 2w (at most ten years)`,
    );
  return ms;
}
