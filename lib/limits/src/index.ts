export * from "./spent.ts";
export * from "./wording.ts";
