// The kernel's WebAssembly text to bytes, with wabt (the WebAssembly binary toolkit's JS port):
// shared by scripts/wasm.mjs and the test that checks the committed bytes.
import wabtModule from "wabt"

export const wasmBytes = async (text) => {
  const wabt = await wabtModule()
  const parsed = wabt.parseWat("kernel.wat", text)
  try {
    parsed.validate()
    return new Uint8Array(parsed.toBinary({}).buffer)
  } finally {
    parsed.destroy()
  }
}
