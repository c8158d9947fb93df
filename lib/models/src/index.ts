// @clawbridge/models: the one home of the model table (table.ts), of what a chosen model id means
// (choice.ts), of what a choice becomes in OpenClaw's config per auth mode (openclaw.ts), and of how
// AGENTS names agents and their models (agents.ts).
export * from "./table.ts";
export * from "./choice.ts";
export * from "./openclaw.ts";
export * from "./agents.ts";
