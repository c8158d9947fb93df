// maxapi's /metrics as the container tests read it: from inside its container, with the probe make
// verify runs, so a maxapi whose port is not published can be read too.
import { MAXAPI_METRICS as M, metricsProbe } from "@clawbridge/limits";
import { PORTS } from "@clawbridge/settings";
import { docker } from "./containers.ts";
import { until } from "./until.ts";

/** maxapi's /metrics, read in its container: the HTTP status on the first line, then the body. */
export const maxapiMetrics = (containerId: string): string =>
  docker("exec", containerId, "node", "-e", metricsProbe(PORTS.maxapi));

/**
 * Waits until every CLI process maxapi started for a request has exited (maxapi_cli_busy 0). A
 * process that has exited sends nothing more: a count of the calls those requests made, or of the
 * CLI processes left in the container, taken after this is final.
 */
export function untilCliProcessesExited(containerId: string): Promise<true> {
  const none = new RegExp(`^${M.cliBusy} 0$`, "m");
  return until("maxapi's CLI processes for requests to exit", () => none.test(maxapiMetrics(containerId)) || undefined);
}
