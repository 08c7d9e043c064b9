// The whole test suite: build (the bin and the worker threads the tests start run built
// JavaScript), typecheck the tests too, then vitest, then the plain "N passed, N failed" line CI reads.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"

const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", shell: false }).status ?? 1
const bin = (name) => `node_modules/.bin/${name}`

console.log("build: node scripts/build.mjs; typecheck: tsc -b")
if (run(process.execPath, ["scripts/build.mjs"]) !== 0 || run(bin("tsc"), ["-b"]) !== 0) {
  console.log("build or typecheck failed: fix the errors above")
  console.log("0 passed, 1 failed")
  process.exit(1)
}

const report = ".vitest-report.json"
rmSync(report, { force: true })
const status = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)])
if (!existsSync(report)) {
  console.log("vitest produced no report")
  console.log("0 passed, 1 failed")
  process.exit(1)
}
const r = JSON.parse(readFileSync(report, "utf8"))
// A suite that fails to load counts as a failure even if it declared no tests.
const failedSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length
const skipped = r.numPendingTests + r.numTodoTests
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed${skipped ? `, ${skipped} skipped` : ""}`)
process.exit(status === 0 && r.numFailedTests + failedSuites === 0 ? 0 : 1)
