// Checks an HTML file written by `nps report` in headless Chromium, offline:
//
//   node tests/browser/check-report.mjs REPORT.html EXPECT.json
//
// Prints one line per check (`PASS name: detail`, `FAIL name: detail`, `INFO name: detail` for
// notes that do not fail), then a summary line; exits 1 if any check failed, 2 on bad arguments.
// EXPECT.json (every key optional; an unknown key is an error, so a typo cannot skip a check):
//   "counts":       {"CSS selector": n, ...}  document.querySelectorAll(selector).length === n
//   "text_present": ["...", ...]              each string is in document.body.innerText
//   "min_svgs":     n                         at least n svg[role=img]
//   "json_keys":    ["...", ...]              top-level keys of the #nps-data JSON block
//   "pdf_pages":    n                         the A4 PDF has n pages
// The PDF is also written to tests/browser/out/report.pdf. See README.md beside this file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { A4, launch, newContext } from "./chromium.mjs";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "out");
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const expectKeys = ["counts", "text_present", "min_svgs", "json_keys", "pdf_pages"];

const [reportArg, expectArg, ...extra] = process.argv.slice(2);
if (!reportArg || !expectArg || extra.length) usage("expected two arguments");
let expect;
try {
  expect = JSON.parse(readFileSync(expectArg, "utf8"));
} catch (e) {
  usage(`cannot read ${expectArg}: ${e.message}`);
}
const unknown = Object.keys(expect).filter((k) => !expectKeys.includes(k));
if (unknown.length) usage(`unknown key(s) in ${expectArg}: ${unknown.join(", ")}`);
const reportUrl = pathToFileURL(resolve(reportArg)).href;

function usage(message) {
  console.error(`check-report: ${message}\nusage: node check-report.mjs REPORT.html EXPECT.json`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(ok, name, detail) {
  console.log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
  ok ? passed++ : failed++;
}
const info = (name, detail) => console.log(`INFO ${name}: ${detail}`);

// Runs one step under its own time limit. A step that throws or runs out of time is a FAIL and
// returns undefined; the run goes on with the next step.
async function step(name, fn, ms = 30_000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (e) {
    check(false, name, e.message.split("\n")[0]);
  } finally {
    clearTimeout(timer);
  }
}

// Long data: URLs and messages are cut so that a failure stays readable.
const cut = (s, n = 120) => (s.length > n ? `${s.slice(0, n)}…` : s);
const list = (items) => items.slice(0, 5).map((s) => cut(s)).join(" | ") + (items.length > 5 ? ` (+${items.length - 5} more)` : "");

// The report as a reader gets it: its own CSP in force. Every request, console error, page error
// and dialog is recorded from the start and judged once all the other checks have run on this page.
// Returns whether the page loaded.
async function pageChecks(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const requests = new Set();
  const errors = [];
  const dialogs = [];
  page.on("request", (r) => requests.add(r.url()));
  // Playwright leaves data: URLs out of its request events; Chromium's own network events have them.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", (e) => requests.add(e.request.url));
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}(${JSON.stringify(d.message())})`);
    d.dismiss().catch(() => {});
  });

  const loaded = await step("load", async () => {
    await page.goto(reportUrl, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    return true;
  });
  if (!loaded) {
    await context.close();
    return false;
  }
  check(true, "load", reportUrl);

  await step("text", async () => {
    const text = await page.evaluate(() => document.body.innerText);
    for (const s of expect.text_present ?? []) {
      check(text.includes(s), "text", `${JSON.stringify(s)} ${text.includes(s) ? "is shown as text" : "is not in the body text"}`);
    }
  });

  await step("svg", async () => {
    // <title> and <desc> must be children of the svg itself, as screen readers take them.
    const svgs = await page.evaluate(() =>
      [...document.querySelectorAll("svg[role=img]")].map((svg) => {
        const child = (name) => [...svg.children].find((c) => c.localName === name)?.textContent.trim() ?? "";
        const id = svg.closest("[id]")?.id;
        return { where: id ? ` in #${id}` : "", title: child("title"), desc: child("desc") };
      }),
    );
    const bad = svgs.filter((s) => !s.title || !s.desc);
    check(
      bad.length === 0,
      "svg",
      bad.length
        ? bad.map((s) => `svg${s.where} lacks a non-empty ${[!s.title && "<title>", !s.desc && "<desc>"].filter(Boolean).join(" and ")}`).join("; ")
        : `${svgs.length} svg[role=img], each with a <title> and a <desc>`,
    );
    if (expect.min_svgs !== undefined) {
      check(svgs.length >= expect.min_svgs, "min_svgs", `${svgs.length} svg[role=img], want at least ${expect.min_svgs}`);
    }
  });

  for (const [selector, want] of Object.entries(expect.counts ?? {})) {
    await step(`count ${selector}`, async () => {
      const n = await page.evaluate((s) => document.querySelectorAll(s).length, selector);
      check(n === want, `count ${selector}`, `${n}, want ${want}`);
    });
  }

  await step("csp", async () => {
    // A CSP <meta> is only obeyed in <head>.
    const policies = await page.evaluate(() =>
      [...document.head.querySelectorAll("meta[http-equiv]")]
        .filter((m) => m.httpEquiv.toLowerCase() === "content-security-policy")
        .map((m) => m.content),
    );
    const ok = policies.some((p) => p.includes("default-src 'none'"));
    check(ok, "csp", policies.length ? cut(policies.join(" | "), 200) : "no <meta http-equiv=Content-Security-Policy> in <head>");
  });

  await step("json", async () => {
    const raw = await page.evaluate(() => document.querySelector('script#nps-data[type="application/json"]')?.textContent ?? null);
    if (raw === null) return check(false, "json", 'no <script type="application/json" id="nps-data">');
    let data;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return check(false, "json", `#nps-data is not JSON: ${e.message}`);
    }
    const keys = data && typeof data === "object" && !Array.isArray(data) ? Object.keys(data) : [];
    const missing = (expect.json_keys ?? []).filter((k) => !keys.includes(k));
    check(missing.length === 0, "json", missing.length ? `#nps-data lacks key(s): ${missing.join(", ")}` : `#nps-data parses; keys: ${keys.join(", ")}`);
  });

  await step("print-layout", async () => {
    await page.setViewportSize(A4);
    await page.emulateMedia({ media: "print" });
    const figures = await page.evaluate(() =>
      [...document.querySelectorAll("figure.chart")].map((f, i) => {
        const style = getComputedStyle(f);
        return { name: f.id ? `#${f.id}` : `figure.chart number ${i + 1}`, avoid: style.breakInside === "avoid" || style.pageBreakInside === "avoid" };
      }),
    );
    const bad = figures.filter((f) => !f.avoid).map((f) => f.name);
    check(bad.length === 0, "print-layout", bad.length ? `break-inside is not avoid on ${bad.join(", ")}` : `${figures.length} figure.chart, each break-inside: avoid at ${A4.width} px print`);
  });

  await step("pdf", async () => {
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    // Each page object is `/Type /Page`; the page tree's root is `/Type /Pages`.
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    // Written under a temporary name, then renamed: parallel runs never leave a half-written file.
    mkdirSync(outDir, { recursive: true });
    const tmp = join(outDir, `.report.pdf.${process.pid}`);
    writeFileSync(tmp, pdf);
    renameSync(tmp, join(outDir, "report.pdf"));
    const want = expect.pdf_pages;
    check(want === undefined || pages === want, "pdf", `${pages} A4 page(s)${want === undefined ? "" : `, want ${want}`}; written to ${join(outDir, "report.pdf")}`);
  }, 60_000);

  const others = [...requests].filter((u) => u !== reportUrl);
  check(others.length === 0, "requests", others.length ? `${others.length} request(s) besides the file: ${list(others)}` : "none but the file itself");
  check(errors.length === 0, "errors", errors.length ? list(errors) : "no console error, no page error");
  check(dialogs.length === 0, "dialogs", dialogs.length ? `opened: ${list(dialogs)}` : "none opened");
  await context.close();
  return true;
}

// axe-core, injected as a script. The report's CSP (default-src 'none') would block that script, so
// this context bypasses CSP; that is why it runs apart from, and after, the checks above.
async function axeChecks(browser) {
  const context = await newContext(browser, { bypassCSP: true });
  const page = await context.newPage();
  await step("axe", async () => {
    await page.goto(reportUrl, { waitUntil: "load" });
    await page.addScriptTag({ path: axePath });
    const violations = await page.evaluate(async () =>
      (await window.axe.run(document)).violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      })),
    );
    let serious = 0;
    for (const v of violations) {
      const line = `${v.id} (${v.impact}): ${v.help}: ${v.targets.join(", ")}${v.nodes > 3 ? ` and ${v.nodes - 3} more` : ""}`;
      if (v.impact === "serious" || v.impact === "critical") {
        serious++;
        check(false, "axe", line);
      } else {
        info("axe", line);
      }
    }
    if (!serious) check(true, "axe", `no serious or critical violation (${violations.length} minor or moderate)`);
  }, 60_000);
  await context.close();
}

const browser = await step("launch", launch);
if (browser) {
  try {
    // axe needs the page to load; a load failure has already been reported once.
    if (await pageChecks(browser)) await axeChecks(browser);
  } catch (e) {
    check(false, "harness", e.message.split("\n")[0]);
  } finally {
    await step("close", () => browser.close(), 10_000);
  }
}
console.log(`check-report: ${passed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
