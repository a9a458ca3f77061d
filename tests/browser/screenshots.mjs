// Renders an HTML file written by `nps report` for a person to look at, offline in headless Chromium:
//
//   node tests/browser/screenshots.mjs REPORT.html [OUTDIR]
//
// Writes into OUTDIR (default tests/browser/out/): screen.png (1280 px wide, the whole page),
// print.png (print media at A4 width, 794 px, the whole page) and report.pdf (A4, with backgrounds).
// It checks nothing: check-report.mjs does.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { A4, launch, newContext } from "./chromium.mjs";

const [reportArg, outArg, ...extra] = process.argv.slice(2);
if (!reportArg || extra.length) {
  console.error("usage: node screenshots.mjs REPORT.html [OUTDIR]");
  process.exit(2);
}
const outDir = resolve(outArg ?? join(dirname(fileURLToPath(import.meta.url)), "out"));
mkdirSync(outDir, { recursive: true });

const browser = await launch();
try {
  const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(pathToFileURL(resolve(reportArg)).href, { waitUntil: "load" });

  await page.screenshot({ path: join(outDir, "screen.png"), fullPage: true });
  await page.setViewportSize(A4);
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(outDir, "print.png"), fullPage: true });
  await page.pdf({ path: join(outDir, "report.pdf"), format: "A4", printBackground: true });
  console.log(`wrote screen.png, print.png and report.pdf in ${outDir}`);
} catch (e) {
  console.error(`screenshots: ${e.message.split("\n")[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
