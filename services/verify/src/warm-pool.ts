// The row after the agent turn: maxapi's warm CLI processes, from its /metrics, read inside its
// container once the other checks have finished, so that their requests count. It shows whether
// turns are served warm; it fails only when the figures cannot be read (an image older than this
// checkout has no /metrics).
import type { Commands } from "./commands.ts";
import { runFailure, type RunResult } from "./compose.ts";
import { clip } from "./json.ts";
import { fail, ok, skip, type Row } from "./row.ts";

export const WARM_POOL_CHECK = "maxapi warm pool";

/** Prints the HTTP status on the first line, then the body (after status 0: why there was no answer). */
export const METRICS_SCRIPT = `
fetch("http://127.0.0.1:" + (process.env.PORT || "3456") + "/metrics", { signal: AbortSignal.timeout(5000) })
  .then(async (response) => process.stdout.write(response.status + "\\n" + (await response.text())))
  .catch((error) => process.stdout.write("0\\n" + error.message));
`;

// maxapi's names (services/maxapi/src/warm/metrics.ts)
const FIGURES = {
  hits: "maxapi_warm_hits_total",
  misses: "maxapi_warm_misses_total",
  fallbacks: "maxapi_warm_fallbacks_total",
  recycled: "maxapi_warm_recycled_total",
  idle: "maxapi_warm_idle",
  busy: "maxapi_cli_busy",
} as const;
export type PoolFigures = Record<keyof typeof FIGURES, number>;

/** The pool's figures from Prometheus text, or undefined when one is missing. */
export function poolFigures(text: string): PoolFigures | undefined {
  const samples = new Map([...text.matchAll(/^(\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  const entries = Object.entries(FIGURES).map(([key, name]) => [key, samples.get(name)] as const);
  return entries.every(([, value]) => value !== undefined) ? (Object.fromEntries(entries) as PoolFigures) : undefined;
}

/** The row from WARM_POOL_SIZE as maxapi's container got it, and the metrics probe's result. */
export function warmPoolRow(poolSize: string, result: RunResult, dc: Commands): Row {
  const size = poolSize.trim() || "2";
  const logs = dc.logs("maxapi", 50);
  if (result.code !== 0) return fail(WARM_POOL_CHECK, `could not read maxapi's /metrics: ${runFailure(result)}`, logs);
  const [statusLine = "", ...rest] = result.stdout.split("\n");
  const status = Number(statusLine);
  const body = rest.join("\n");
  const outdated = "its image is older than this checkout";
  if (status === 404) return fail(WARM_POOL_CHECK, `maxapi has no /metrics: ${outdated}`, dc.rebuild("maxapi"));
  if (status !== 200) return fail(WARM_POOL_CHECK, `maxapi's /metrics: ${status === 0 ? clip(body, 200) : `HTTP ${status}`}`, logs);
  const f = poolFigures(body);
  if (!f) return fail(WARM_POOL_CHECK, `maxapi's /metrics lacks the pool's figures: ${outdated}`, dc.rebuild("maxapi"));
  if (size === "0") return skip(WARM_POOL_CHECK, `off (WARM_POOL_SIZE=0): every request starts its own CLI process (${f.misses} since start)`);
  const fellBack = f.fallbacks > 0 ? ` (${f.fallbacks} of them on a fresh one: the warm one was gone)` : "";
  return ok(WARM_POOL_CHECK, `${f.idle} waiting, ${f.busy} busy (WARM_POOL_SIZE=${size}); since start: ${f.hits} served warm${fellBack}, ${f.misses} cold, ${f.recycled} recycled unused`);
}
