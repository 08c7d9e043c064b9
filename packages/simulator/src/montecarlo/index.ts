export * from "./plan.js"
export * from "./compile.js"
export * from "./kernel.js"
export * from "./draws.js"
