// The subscription's limits as maxapi knows them: its usage windows (limits/windows.ts) and
// Anthropic's billing refusals (limits/billing.ts). One per process; /metrics reads both.
import { BillingRefusals } from "./billing.ts";
import { UsageWindows, type LimitsLog } from "./windows.ts";

export interface Limits {
  windows: UsageWindows;
  billing: BillingRefusals;
}

/** `now` is the clock the windows' resets are measured on (tests move it). */
export function createLimits(log: LimitsLog, now: () => number = Date.now): Limits {
  return { windows: new UsageWindows(log, now), billing: new BillingRefusals(now) };
}
