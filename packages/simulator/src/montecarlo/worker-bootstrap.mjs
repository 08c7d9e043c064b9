// Plain-JS worker entry for runs from TypeScript sources (tsx, vitest): on Node 20 tsx only
// hooks the main thread, so the worker registers it itself, then imports the TypeScript worker.
import { register } from "tsx/esm/api"
import { workerData } from "node:worker_threads"

register()
await import(workerData.entry)
