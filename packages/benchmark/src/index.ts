export * from "./decimal.js"
export * from "./rounding.js"
export * from "./errors.js"
export * from "./derivation.js"
