// The model table (lib/models), read from its source: verify runs on the host from this checkout
// without installing or building the services, as it reads maxapi's wording (usage.ts).
export * from "../../../lib/models/src/index.ts";
