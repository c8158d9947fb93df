export * from "./report.ts";
export * from "./spent.ts";
export * from "./wording.ts";
export * from "./metrics.ts";
