export * from "./model.js"
export * from "./scenario/index.js"
