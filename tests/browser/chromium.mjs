// Shared by check-report.mjs and screenshots.mjs: starts Debian's Chromium through playwright-core
// (no browser is ever downloaded) and opens pages offline.
import { chromium } from "playwright-core";

// Debian's package puts Chromium at /usr/bin/chromium; NPS_CHROMIUM points elsewhere.
export const executablePath = process.env.NPS_CHROMIUM || "/usr/bin/chromium";

// The machines this runs on have no network but the package registries: without the
// background-networking flags Chromium keeps trying (and failing) to reach Google's services.
// Running as root needs --no-sandbox. `launch` gives every run a fresh, empty user-data-dir.
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function launch() {
  return chromium.launch({ executablePath, headless: true, args, timeout: 30_000 });
}

// A4 at 96 CSS px per inch: 210 mm = 794 px, 297 mm = 1123 px.
export const A4 = { width: 794, height: 1123 };

// Every context is offline: the report must not need the network, and nothing may leave.
export function newContext(browser, options = {}) {
  return browser.newContext({ offline: true, ...options });
}
