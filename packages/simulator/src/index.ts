export * from "./model.js"
export * from "./scenario/index.js"
export * from "./engine/index.js"
export * from "./montecarlo/index.js"
