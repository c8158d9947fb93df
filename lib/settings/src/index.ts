// @clawbridge/settings: reading a service's settings from the environment (read.ts), variables of
// the same kind in several services (common.ts), the rules for keys and credentials (keys.ts), the
// stack's addresses and the defaults more than one program reads (stack.ts), and a settings module
// described as data for docs/settings.md (reference.ts).
export * from "./read.ts";
export * from "./common.ts";
export * from "./keys.ts";
export * from "./stack.ts";
export * from "./reference.ts";
