export * from "./errors.ts";
export * from "./chat-rules.ts";
