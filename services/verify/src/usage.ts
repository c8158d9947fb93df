// The rows after the warm pool, from the same read of maxapi's /metrics (metrics.ts): one per usage
// window of the subscription that maxapi has seen (how much is used, when it resets, whether it is
// spent and maxapi refuses requests until then), extra usage (a spent window answered on the account's
// extra usage: refused with EXTRA_USAGE=off, counted with allowed), and the requests Anthropic refused
// as a billing decision (extra usage required). maxapi learns both from the CLI's answers, so a fresh maxapi
// knows nothing yet.
import {
  FAMILY_OF_WINDOW,
  MAXAPI_METRICS as M,
  percent,
  resetTime,
  waitFor,
  WINDOW_NAMES,
  windowName,
} from "@clawbridge/limits";
import { FAMILIES, FAMILY_FACTS } from "@clawbridge/models";
import type { Commands } from "./commands.ts";
import type { RunResult } from "./compose.ts";
import { byLabel, knows, OUTDATED, readProbe, unlabelled, type Metrics } from "./metrics.ts";
import { fail, ok, skip, type Row } from "./row.ts";
import { FALLBACK_KEY } from "./fallback.ts";

export const USAGE_CHECK = "usage windows";
export const BILLING_CHECK = "billing refusals";
export const EXTRA_USAGE_CHECK = "extra usage";

const NAMES = {
  utilization: M.windowUtilization,
  resetsAt: M.windowResetsAt,
  spent: M.windowSpent,
  refused: M.windowRefusedLocally,
  billing: M.billingRefusals,
  lastBilling: M.billingLastRefusal,
  extraAllowed: M.extraUsageAllowed,
  extraInUse: M.extraUsageInUse,
  extraUntil: M.extraUsageUntil,
  extraAnswers: M.extraUsageAnswers,
  extraRefused: M.extraUsageRefused,
} as const;

/** From this share used on, a window that is not spent yet is "nearly spent" (Anthropic warns at 0.9). */
export const NEARLY_SPENT = 0.9;

// windows and resets in maxapi's own words (lib/limits)
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
  const [utilization, resetsAt, spent, refused] = usageNames.map((name) => byLabel(metrics, name, "window")) as [
    Map<string, number>,
    Map<string, number>,
    Map<string, number>,
    Map<string, number>,
  ];
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

/** "Opus" for a weekly window of one model family (it holds back only that family's requests). */
function familyOfWindow(window: string): string | undefined {
  const family = FAMILIES.find((name) => name === FAMILY_OF_WINDOW[window]);
  return family === undefined ? undefined : FAMILY_FACTS[family].name;
}

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
    const family = familyOfWindow(w.window);
    const requests = family === undefined ? "requests are" : `${family} requests are`;
    return fail(
      check,
      `spent: ${requests} refused ${until}; ${refused}`,
      `${waiting}${meanwhile}; see docs/operations.md, "Usage limits"`,
    );
  }
  if (w.spent) return ok(check, `was spent until ${reset}, which has passed: requests go to Anthropic again`);
  if (w.resetsAtMs !== undefined && !future)
    return ok(check, `${used} before its reset at ${reset} (the next answer updates it)`);
  const resets = reset === "" ? "" : `resets ${reset}`;
  if (w.utilization !== undefined && w.utilization >= NEARLY_SPENT)
    return ok(check, `${used}: nearly spent${resets === "" ? "" : `; ${resets}${wait}`}`);
  return ok(check, [used, resets].filter(Boolean).join(", "));
}

/** The window rows: one per window seen, or one row saying there is none or the names are missing. */
export function usageWindowRows(metrics: Metrics, nowMs: number, dc: Commands, fallback: boolean): Row[] {
  const windows = usageWindows(metrics);
  if (!windows)
    return [fail(USAGE_CHECK, `maxapi's /metrics lacks the usage windows: ${OUTDATED}`, dc.rebuild("maxapi"))];
  if (windows.length === 0)
    return [skip(USAGE_CHECK, "no usage reported since maxapi started (it learns it from the first answer)")];
  return windows.map((w) => windowRow(w, nowMs, dc, fallback));
}

// --- billing refusals

// the options maxapi's 402 names (services/maxapi/src/limits/billing.ts)
const BILLING_FIX =
  "Anthropic decided these requests draw on extra usage, not on your plan (not a fault: they are not retried). Options: " +
  `turn on extra usage for the account (claude.ai/settings/usage, paid), set an Anthropic API key as a metered fallback (${FALLBACK_KEY}), ` +
  'or use Option 1 (AUTH_MODE=setup-token); none of them is sure to avoid it. See docs/operations.md, "Billing refusals"';

/** A refusal older than this no longer fails the row: the account may have changed since. */
const BILLING_RECENT_MS = 3600_000;

/** The billing refusals' row. `outdatedShown`: the window row already said the image is older. */
export function billingRow(metrics: Metrics, nowMs: number, dc: Commands, outdatedShown = false): Row {
  if (!knows(metrics, NAMES.billing)) {
    return outdatedShown
      ? skip(BILLING_CHECK, "not reported: maxapi's /metrics lacks them too (see above)")
      : fail(BILLING_CHECK, `maxapi's /metrics lacks the billing refusals: ${OUTDATED}`, dc.rebuild("maxapi"));
  }
  const codes = [...byLabel(metrics, NAMES.billing, "code")]
    .filter(([, count]) => count > 0)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const total = codes.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return ok(BILLING_CHECK, "none since maxapi started");
  const counted = `${total} refused by Anthropic since maxapi started (${codes.map(([code, count]) => `${code}: ${count}`).join(", ")})`;
  const lastSeconds = unlabelled(metrics, NAMES.lastBilling);
  if (lastSeconds !== undefined && nowMs - lastSeconds * 1000 >= BILLING_RECENT_MS) {
    return ok(BILLING_CHECK, `none in the last hour; ${counted}, the last at ${resetTime(lastSeconds * 1000, nowMs)}`);
  }
  return fail(BILLING_CHECK, counted, BILLING_FIX);
}

// --- extra usage

const answers = (n: number) => `${n} answer${n === 1 ? "" : "s"}`;

/**
 * Extra usage (maxapi's limits/overage.ts): whether a spent window is being answered on the
 * account's extra usage, and what EXTRA_USAGE made of it. With off, a window in that state fails the
 * row: requests are refused until its reset. With allowed, answers billed to it are counted (ok: the
 * user said so). `outdatedShown`: the window row already said the image is older.
 */
export function extraUsageRow(metrics: Metrics, nowMs: number, dc: Commands, outdatedShown = false): Row {
  if (!knows(metrics, NAMES.extraInUse)) {
    return outdatedShown
      ? skip(EXTRA_USAGE_CHECK, "not reported: maxapi's /metrics lacks it too (see above)")
      : fail(EXTRA_USAGE_CHECK, `maxapi's /metrics lacks extra usage: ${OUTDATED}`, dc.rebuild("maxapi"));
  }
  const allowed = (unlabelled(metrics, NAMES.extraAllowed) ?? 0) > 0;
  const inUse = (unlabelled(metrics, NAMES.extraInUse) ?? 0) > 0;
  const billed = unlabelled(metrics, NAMES.extraAnswers) ?? 0;
  const refused = unlabelled(metrics, NAMES.extraRefused) ?? 0;
  const untilSeconds = unlabelled(metrics, NAMES.extraUntil);
  const until =
    untilSeconds === undefined
      ? ""
      : ` until ${resetTime(untilSeconds * 1000, nowMs)}${untilSeconds * 1000 > nowMs ? ` (in ${waitFor(untilSeconds * 1000 - nowMs)})` : ""}`;
  const since = `${answers(billed)} billed to it since maxapi started`;
  if (allowed) {
    const state = inUse ? `in use${until}: a spent window is answered on the account's extra usage (paid); ` : "";
    return ok(EXTRA_USAGE_CHECK, `allowed (EXTRA_USAGE=allowed); ${state}${since}`);
  }
  if (inUse) {
    return fail(
      EXTRA_USAGE_CHECK,
      `refused${until}: a spent window would be answered on the account's extra usage, which EXTRA_USAGE=off does not allow; ${since}, ${refused} request${refused === 1 ? "" : "s"} refused without calling Anthropic`,
      `wait for the reset, or set EXTRA_USAGE=allowed in .env (extra usage is paid) and run ${dc.up()}; see docs/operations.md, "Usage limits"`,
    );
  }
  if (billed === 0 && refused === 0)
    return ok(EXTRA_USAGE_CHECK, "not used since maxapi started (EXTRA_USAGE=off: the plan's limits only)");
  return ok(
    EXTRA_USAGE_CHECK,
    `not in use now (EXTRA_USAGE=off); ${since}, ${refused} request${refused === 1 ? "" : "s"} refused until the window reset`,
  );
}

/**
 * The rows from the metrics probe's result (the warm pool's, read once): the windows, extra usage,
 * then the billing refusals. When /metrics could not be read the warm pool row says why; these skip.
 */
export function usageRows(result: RunResult, nowMs: number, dc: Commands, fallback: boolean): Row[] {
  const probe = readProbe(result, dc);
  if ("problem" in probe) {
    const why = "maxapi's /metrics could not be read (see maxapi warm pool)";
    return [skip(USAGE_CHECK, why), skip(EXTRA_USAGE_CHECK, why), skip(BILLING_CHECK, why)];
  }
  const windows = usageWindowRows(probe.metrics, nowMs, dc, fallback);
  const outdated = windows.length === 1 && windows[0]?.check === USAGE_CHECK && windows[0].status === "FAIL";
  return [
    ...windows,
    extraUsageRow(probe.metrics, nowMs, dc, outdated),
    billingRow(probe.metrics, nowMs, dc, outdated),
  ];
}
