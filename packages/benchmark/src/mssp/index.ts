export * from "./puf.js"
