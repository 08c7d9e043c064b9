export * from "./msr.js"
export * from "./tracks.js"
export * from "./bands.js"
export * from "./settle.js"
