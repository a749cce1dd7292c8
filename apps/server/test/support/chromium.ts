// The one way tests start a browser: Debian's Chromium (/usr/bin/chromium, `apt-get install -y chromium`)
// driven by playwright-core, with the project's flags. A missing browser fails the test that needs it — it is
// part of the setup the README asks for, not optional. playwright waits for the browser's own readiness (its
// DevTools pipe answering) and fails at once, with the browser's output, when it exits while starting.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
// Only bounds a browser that hangs while starting (seconds normally, more with the whole suite on 2 cores).
const LAUNCH_TIMEOUT_MS = 90_000;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get install -y chromium, see the README)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: LAUNCH_TIMEOUT_MS });
}
