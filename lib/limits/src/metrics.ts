// maxapi's /metrics (Prometheus text): the names maxapi answers with, and make verify, the soak and
// monitoring/alerts.yml read. Each name's help text is maxapi's (services/maxapi/src/metrics.ts).
export const MAXAPI_METRICS = {
  // the warm CLI processes
  warmHits: "maxapi_warm_hits_total",
  warmMisses: "maxapi_warm_misses_total",
  warmFallbacks: "maxapi_warm_fallbacks_total",
  warmRecycled: "maxapi_warm_recycled_total",
  warmIdle: "maxapi_warm_idle",
  cliBusy: "maxapi_cli_busy",
  // the subscription's usage windows, labelled `window`
  windowUtilization: "maxapi_usage_window_utilization",
  windowResetsAt: "maxapi_usage_window_resets_at_seconds",
  windowSpent: "maxapi_usage_window_spent",
  windowRefusedLocally: "maxapi_usage_window_refused_locally_total",
  // extra usage
  extraUsageAllowed: "maxapi_extra_usage_allowed",
  extraUsageInUse: "maxapi_extra_usage_in_use",
  extraUsageUntil: "maxapi_extra_usage_until_seconds",
  extraUsageAnswers: "maxapi_extra_usage_answers_total",
  extraUsageRefused: "maxapi_extra_usage_refused_total",
  // Anthropic's billing refusals, labelled `code`
  billingRefusals: "maxapi_billing_refusals_total",
  billingLastRefusal: "maxapi_billing_last_refusal_seconds",
} as const;

/**
 * A script for `node -e` inside maxapi's container that reads its /metrics: the HTTP status on the
 * first line, then the body (after status 0: why there was no answer). `defaultPort` applies when
 * the container has no PORT.
 */
export const metricsProbe = (defaultPort: number): string => `
fetch("http://127.0.0.1:" + (process.env.PORT || "${defaultPort}") + "/metrics", { signal: AbortSignal.timeout(5000) })
  .then(async (response) => process.stdout.write(response.status + "\\n" + (await response.text())))
  .catch((error) => process.stdout.write("0\\n" + error.message));
`;
