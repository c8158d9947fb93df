// How the subscription's windows read (lib/limits), from its source: verify runs on the host from this
// checkout without installing or building the services (as models.ts reads lib/models).
export * from "../../../lib/limits/src/index.ts";
