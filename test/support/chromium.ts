// Debian's Chromium for the browser tests, started as this machine allows: headless, and with
// no background networking (the closed network refuses its connections, many at a time).
// Absent, a test is skipped with a SKIPPED line; in CI that is a failure.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { servicesRequired } from "./databases.js";

export const CHROMIUM = process.env.AGENTRY_CHROMIUM ?? "/usr/bin/chromium";

/** Whether Chromium is here; throws in CI when it is not, warns otherwise. */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (servicesRequired())
    throw new Error(`${CHROMIUM} is required in CI (.ci/run installs Debian's chromium)`);
  console.warn(`SKIPPED: no Chromium at ${CHROMIUM}; ${what} is skipped (apt-get install chromium)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
