// A fuzz worker thread (test/support/fuzz.ts, FuzzPool): the cases run from the TypeScript
// sources, so the thread registers tsx before it loads them.
import { register } from "tsx/esm/api"

register()
const { serve } = await import("./fuzz.ts")
serve()
