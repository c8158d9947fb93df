// Notices from the subscription's limits (maxapi's /v1/limits, read every pass): a window past its
// warning threshold, spent, open again; a billing refusal; extra usage billed (EXTRA_USAGE=allowed)
// or refused (off). A spent window is remembered until it is seen open again, in the notices' state,
// so "open again" is told after a restart too.
import { percent, windowName } from "@clawbridge/limits";
import type { LimitsReport } from "../limits.ts";
import { at, minuteOf, type Notice } from "./notice.ts";

/** Spent windows told of and not yet seen open again: window → reset (epoch ms). */
export type SpentWindows = Record<string, number>;

const parse = (iso: string | null) => (iso === null ? undefined : Date.parse(iso));

export function limitsNotices(report: LimitsReport, spent: SpentWindows, now: number): Notice[] {
  const notices: Notice[] = [];
  const seen = new Map(report.windows.map((w) => [w.window, w]));
  for (const w of report.windows) {
    const resetsAt = parse(w.resetsAt);
    const reset = resetsAt === undefined ? "" : `; it resets at ${at(resetsAt, now)}`;
    if (w.status === "allowed_warning") {
      notices.push({
        event: "window-warning",
        key: `window-warning:${w.window}:${resetsAt === undefined ? "?" : minuteOf(resetsAt)}`,
        text: `Claude subscription: the ${windowName(w.window)} is ${percent(w.utilization ?? 0.9)} used${reset}.`,
        window: w.window,
        ...(resetsAt === undefined ? {} : { resetsAt }),
      });
    }
    if (w.status === "rejected" && resetsAt !== undefined && spent[w.window] === undefined) {
      spent[w.window] = resetsAt;
      notices.push({
        event: "window-spent",
        key: `window-spent:${w.window}:${minuteOf(resetsAt)}`,
        text: `Claude subscription: the ${windowName(w.window)} is spent until ${at(resetsAt, now)}. Requests it applies to are refused until then; cron jobs it fails run once more after the reset.`,
        window: w.window,
        resetsAt,
      });
    }
  }
  for (const [window, resetsAt] of Object.entries(spent)) {
    const state = seen.get(window);
    if (state?.status === "rejected") {
      // still spent (maxapi may have learnt a later reset)
      const later = parse(state.resetsAt);
      if (later !== undefined) spent[window] = later;
      continue;
    }
    if (state === undefined && now < resetsAt) continue; // maxapi restarted and does not know yet: the reset tells
    Reflect.deleteProperty(spent, window);
    notices.push({
      event: "window-reopened",
      key: `window-reopened:${window}:${minuteOf(resetsAt)}`,
      text: `Claude subscription: the ${windowName(window)} is open again (it reset at ${at(resetsAt, now)}).`,
      window,
      resetsAt,
    });
  }
  for (const { window, resetsAt: iso } of report.extraUsage.inUse) {
    const resetsAt = Date.parse(iso);
    const allowed = report.extraUsage.setting === "allowed";
    notices.push({
      event: allowed ? "extra-usage-used" : "extra-usage-refused",
      key: `${allowed ? "extra-usage-used" : "extra-usage-refused"}:${window}:${minuteOf(resetsAt)}`,
      text: allowed
        ? `Claude subscription: the ${windowName(window)} is spent and answers are billed to the account's extra usage until ${at(resetsAt, now)} (EXTRA_USAGE=allowed).`
        : `Claude subscription: an answer on the spent ${windowName(window)} was billed to extra usage; EXTRA_USAGE=off refuses requests until ${at(resetsAt, now)} rather than bill more.`,
      window,
      resetsAt,
    });
  }
  const lastAt = parse(report.billing.lastAt);
  if (lastAt !== undefined) {
    const codes = Object.keys(report.billing.refusals).join(", ");
    notices.push({
      event: "billing-refusal",
      key: `billing-refusal:${lastAt}`,
      text: `Anthropic refused a request on billing grounds (${codes}): its decision about the account, not a fault. See docs/operations.md, "Billing refusals".`,
    });
  }
  return notices;
}
