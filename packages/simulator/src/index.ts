export * from "./model.js"
export * from "./scenario/index.js"
export * from "./engine/index.js"
