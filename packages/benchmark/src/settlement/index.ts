export * from "./msr.js"
export * from "./tracks.js"
