// The row after the agent turn: maxapi's warm CLI processes, from its /metrics (metrics.ts), read
// inside its container once the other checks have finished, so that their requests count. It shows
// whether turns are served warm; it fails only when the figures cannot be read (an image older than
// this checkout has no /metrics).
import { MAXAPI_METRICS as M } from "@clawbridge/limits";
import { DEFAULTS } from "@clawbridge/settings";
import type { Commands } from "./commands.ts";
import type { RunResult } from "./compose.ts";
import { OUTDATED, parseMetrics, readProbe, unlabelled, type Metrics } from "./metrics.ts";
import { fail, ok, skip, type Row } from "./row.ts";

// the probe that reads maxapi's /metrics, kept importable from here
export { METRICS_SCRIPT } from "./metrics.ts";

export const WARM_POOL_CHECK = "maxapi warm pool";

const FIGURES = {
  hits: M.warmHits,
  misses: M.warmMisses,
  fallbacks: M.warmFallbacks,
  recycled: M.warmRecycled,
  idle: M.warmIdle,
  busy: M.cliBusy,
} as const;
export type PoolFigures = Record<keyof typeof FIGURES, number>;

/** The pool's figures, or undefined when one is missing. */
function figuresOf(metrics: Metrics): PoolFigures | undefined {
  const entries = Object.entries(FIGURES).map(([key, name]) => [key, unlabelled(metrics, name)] as const);
  return entries.every(([, value]) => value !== undefined) ? (Object.fromEntries(entries) as PoolFigures) : undefined;
}

/** The pool's figures from Prometheus text, or undefined when one is missing. */
export const poolFigures = (text: string): PoolFigures | undefined => figuresOf(parseMetrics(text));

/** The row from WARM_POOL_SIZE as maxapi's container got it, and the metrics probe's result. */
export function warmPoolRow(poolSize: string, result: RunResult, dc: Commands): Row {
  const size = poolSize.trim() || String(DEFAULTS.WARM_POOL_SIZE);
  const probe = readProbe(result, dc);
  if ("problem" in probe) return fail(WARM_POOL_CHECK, probe.problem, probe.fix);
  const f = figuresOf(probe.metrics);
  if (!f) return fail(WARM_POOL_CHECK, `maxapi's /metrics lacks the pool's figures: ${OUTDATED}`, dc.rebuild("maxapi"));
  if (size === "0")
    return skip(
      WARM_POOL_CHECK,
      `off (WARM_POOL_SIZE=0): every request starts its own CLI process (${f.misses} since start)`,
    );
  const fellBack = f.fallbacks > 0 ? ` (${f.fallbacks} of them on a fresh one: the warm one was gone)` : "";
  return ok(
    WARM_POOL_CHECK,
    `${f.idle} waiting, ${f.busy} busy (WARM_POOL_SIZE=${size}); since start: ${f.hits} served warm${fellBack}, ${f.misses} cold, ${f.recycled} recycled unused`,
  );
}
