#!/usr/bin/env node
// The pbpsim command. `pnpm build` (run by the install) bundles the CLI into dist/bundle/.
try {
  await import("../dist/bundle/pbpsim.js")
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("dist/bundle/pbpsim.js")) throw e
  process.stderr.write("pbpsim is not built yet: run `npx -y pnpm@10.34.8 build` in the repository first\n")
  process.exitCode = 1
}
