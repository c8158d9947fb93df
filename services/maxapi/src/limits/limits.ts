// The subscription's limits as maxapi knows them: its usage windows (limits/windows.ts), answers billed
// to extra usage (limits/overage.ts) and Anthropic's billing refusals (limits/billing.ts). One per
// process; /metrics reads them.
import { BillingRefusals } from "./billing.ts";
import { ExtraUsage, type ExtraUsageSetting } from "./overage.ts";
import { UsageWindows, type LimitsLog } from "./windows.ts";

export interface Limits {
  windows: UsageWindows;
  extraUsage: ExtraUsage;
  billing: BillingRefusals;
}

/** `now` is the clock the windows' resets are measured on (tests move it); `extraUsage` is EXTRA_USAGE. */
export function createLimits(
  log: LimitsLog,
  now: () => number = Date.now,
  extraUsage: ExtraUsageSetting = "off",
): Limits {
  return {
    windows: new UsageWindows(log, now),
    extraUsage: new ExtraUsage(extraUsage, log, now),
    billing: new BillingRefusals(now),
  };
}
