// The rows after the warm pool, from the same read of maxapi's /metrics (metrics.ts): one per usage
// window of the subscription that maxapi has seen (how much is used, when it resets, whether it is
// spent and maxapi refuses requests until then), and the requests Anthropic refused as a billing
// decision (extra usage required). maxapi learns both from the CLI's answers, so a fresh maxapi
// knows nothing yet.
import type { Commands } from "./commands.ts";
import type { RunResult } from "./compose.ts";
import { byLabel, knows, OUTDATED, readProbe, unlabelled, type Metrics } from "./metrics.ts";
import { percent, resetTime, waitFor, WINDOW_NAMES, windowName } from "../../maxapi/src/limits/wording.ts";
import { fail, ok, skip, type Row } from "./row.ts";
import { FALLBACK_KEY } from "./fallback.ts";

export const USAGE_CHECK = "usage windows";
export const BILLING_CHECK = "billing refusals";

// maxapi's names (services/maxapi/src/limits/)
const NAMES = {
  utilization: "maxapi_usage_window_utilization",
  resetsAt: "maxapi_usage_window_resets_at_seconds",
  spent: "maxapi_usage_window_spent",
  refused: "maxapi_usage_window_refused_locally_total",
  billing: "maxapi_billing_refusals_total",
  lastBilling: "maxapi_billing_last_refusal_seconds",
} as const;

/** From this share used on, a window that is not spent yet is "nearly spent" (Anthropic warns at 0.9). */
export const NEARLY_SPENT = 0.9;

// windows and resets in maxapi's own words (verify runs from the checkout, beside maxapi's source)
export { percent, resetTime, waitFor, windowName };

// --- the windows

export interface UsageWindow {
  /** As Anthropic names it: five_hour, seven_day, ... */
  window: string;
  /** 0..1, as of the last answer that reported it. */
  utilization: number | undefined;
  resetsAtMs: number | undefined;
  spent: boolean;
  /** Requests maxapi answered itself (429) while the window was spent, without calling Anthropic. */
  refusedLocally: number;
}

// the windows the Claude apps show, in their order; others after them by name
const ORDER = Object.keys(WINDOW_NAMES);
const rank = (window: string) => (ORDER.includes(window) ? ORDER.indexOf(window) : ORDER.length);

/** Every window maxapi has seen, or undefined when its /metrics has none of the names (an older image). */
export function usageWindows(metrics: Metrics): UsageWindow[] | undefined {
  const usageNames = [NAMES.utilization, NAMES.resetsAt, NAMES.spent, NAMES.refused];
  if (!usageNames.some((name) => knows(metrics, name))) return undefined;
  const [utilization, resetsAt, spent, refused] = usageNames.map((name) => byLabel(metrics, name, "window")) as [Map<string, number>, Map<string, number>, Map<string, number>, Map<string, number>];
  const windows = new Set([...utilization.keys(), ...resetsAt.keys(), ...spent.keys(), ...refused.keys()]);
  return [...windows]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((window) => {
      const reset = resetsAt.get(window);
      return {
        window,
        utilization: utilization.get(window),
        resetsAtMs: reset === undefined || reset <= 0 ? undefined : reset * 1000,
        spent: (spent.get(window) ?? 0) > 0,
        refusedLocally: refused.get(window) ?? 0,
      };
    });
}

// weekly windows of one model family hold back only that family's requests (maxapi's windows.ts)
const FAMILY_OF_WINDOW: Readonly<Record<string, string>> = { seven_day_opus: "Opus", seven_day_sonnet: "Sonnet" };

/** One window's row. `fallback`: FALLBACK_ANTHROPIC_API_KEY is set (the fix of a spent window says so). */
export function windowRow(w: UsageWindow, nowMs: number, dc: Commands, fallback: boolean): Row {
  const check = windowName(w.window);
  const used = w.utilization === undefined ? "usage not reported" : `${percent(w.utilization)} used`;
  const future = w.resetsAtMs !== undefined && w.resetsAtMs > nowMs;
  const reset = w.resetsAtMs === undefined ? "" : resetTime(w.resetsAtMs, nowMs);
  const wait = future && w.resetsAtMs !== undefined ? ` (in ${waitFor(w.resetsAtMs - nowMs)})` : "";
  if (w.spent && (future || w.resetsAtMs === undefined)) {
    const until = future ? `until ${reset}${wait}` : "until it resets (Anthropic gave no time)";
    const refused = `${w.refusedLocally === 0 ? "none" : w.refusedLocally} refused so far without calling Anthropic`;
    const waiting = future ? `wait for the reset at ${reset}` : "wait for the reset";
    const meanwhile = fallback
      ? `; meanwhile OpenClaw uses the metered fallback (${FALLBACK_KEY} is set, paid)`
      : `, or set the optional ${FALLBACK_KEY} in .env (the metered API, paid) and run ${dc.up()}`;
    const family = FAMILY_OF_WINDOW[w.window];
    const requests = family === undefined ? "requests are" : `${family} requests are`;
    return fail(check, `spent: ${requests} refused ${until}; ${refused}`, `${waiting}${meanwhile}; see README, Troubleshooting, "Usage limits"`);
  }
  if (w.spent) return ok(check, `was spent until ${reset}, which has passed: requests go to Anthropic again`);
  if (w.resetsAtMs !== undefined && !future) return ok(check, `${used} before its reset at ${reset} (the next answer updates it)`);
  const resets = reset === "" ? "" : `resets ${reset}`;
  if (w.utilization !== undefined && w.utilization >= NEARLY_SPENT) return ok(check, `${used}: nearly spent${resets === "" ? "" : `; ${resets}${wait}`}`);
  return ok(check, [used, resets].filter(Boolean).join(", "));
}

/** The window rows: one per window seen, or one row saying there is none or the names are missing. */
export function usageWindowRows(metrics: Metrics, nowMs: number, dc: Commands, fallback: boolean): Row[] {
  const windows = usageWindows(metrics);
  if (!windows) return [fail(USAGE_CHECK, `maxapi's /metrics lacks the usage windows: ${OUTDATED}`, dc.rebuild("maxapi"))];
  if (windows.length === 0) return [skip(USAGE_CHECK, "no usage reported since maxapi started (it learns it from the first answer)")];
  return windows.map((w) => windowRow(w, nowMs, dc, fallback));
}

// --- billing refusals

// the options maxapi's 402 names (services/maxapi/src/limits/billing.ts)
const BILLING_FIX =
  "Anthropic decided these requests draw on extra usage, not on your plan (not a fault: they are not retried). Options: " +
  `turn on extra usage for the account (claude.ai/settings/usage, paid), set an Anthropic API key as a metered fallback (${FALLBACK_KEY}), ` +
  'or use Option 1 (AUTH_MODE=setup-token); none of them is sure to avoid it. See README, Troubleshooting, "Billing refusals"';

/** A refusal older than this no longer fails the row: the account may have changed since. */
const BILLING_RECENT_MS = 3600_000;

/** The billing refusals' row. `outdatedShown`: the window row already said the image is older. */
export function billingRow(metrics: Metrics, nowMs: number, dc: Commands, outdatedShown = false): Row {
  if (!knows(metrics, NAMES.billing)) {
    return outdatedShown ? skip(BILLING_CHECK, "not reported: maxapi's /metrics lacks them too (see above)") : fail(BILLING_CHECK, `maxapi's /metrics lacks the billing refusals: ${OUTDATED}`, dc.rebuild("maxapi"));
  }
  const codes = [...byLabel(metrics, NAMES.billing, "code")].filter(([, count]) => count > 0).sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const total = codes.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return ok(BILLING_CHECK, "none since maxapi started");
  const counted = `${total} refused by Anthropic since maxapi started (${codes.map(([code, count]) => `${code}: ${count}`).join(", ")})`;
  const lastSeconds = unlabelled(metrics, NAMES.lastBilling);
  if (lastSeconds !== undefined && nowMs - lastSeconds * 1000 >= BILLING_RECENT_MS) {
    return ok(BILLING_CHECK, `none in the last hour; ${counted}, the last at ${resetTime(lastSeconds * 1000, nowMs)}`);
  }
  return fail(BILLING_CHECK, counted, BILLING_FIX);
}

/**
 * The rows from the metrics probe's result (the warm pool's, read once): the windows, then the
 * billing refusals. When /metrics could not be read the warm pool row says why; these skip.
 */
export function usageRows(result: RunResult, nowMs: number, dc: Commands, fallback: boolean): Row[] {
  const probe = readProbe(result, dc);
  if ("problem" in probe) {
    const why = "maxapi's /metrics could not be read (see maxapi warm pool)";
    return [skip(USAGE_CHECK, why), skip(BILLING_CHECK, why)];
  }
  const windows = usageWindowRows(probe.metrics, nowMs, dc, fallback);
  const outdated = windows.length === 1 && windows[0]?.check === USAGE_CHECK && windows[0].status === "FAIL";
  return [...windows, billingRow(probe.metrics, nowMs, dc, outdated)];
}
