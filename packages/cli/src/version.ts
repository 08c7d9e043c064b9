/** Engine version carried by JSON output; a test keeps it equal to packages/cli/package.json. */
export const ENGINE_VERSION = "0.2.0"
