// Extra usage: with a usage window spent and extra usage on for the account, Anthropic keeps answering
// and bills each answer to it. The CLI says so on the answer's `rate_limit_event` (`isUsingOverage`:
// the window rejected while extra usage is allowed; `overageInUse`: Anthropic's header). EXTRA_USAGE
// decides what maxapi does then:
// - off (the default, the plan only): the answer that was billed is delivered (it is paid for
//   already); until the window resets, requests it applies to are refused here at once, with no CLI
//   process and no call to Anthropic;
// - allowed: requests go on; each billed answer is counted.
// In memory only, like the windows: after a restart the first billed answer is learnt again.
import type { Family } from "@clawbridge/models";
import type { ApiError } from "@clawbridge/openai";
import { billedToExtraUsage, type RateLimitInfo } from "../cli/stream-json.ts";
import { holdsBack, ResetTimers } from "./resets.ts";
import { windowSpent, type LimitsLog } from "./windows.ts";
import { resetTime, windowName } from "@clawbridge/limits";

export const EXTRA_USAGE_VALUES = ["off", "allowed"] as const;
export type ExtraUsageSetting = (typeof EXTRA_USAGE_VALUES)[number];

/** A spent window Anthropic answers on extra usage, until its reset (epoch milliseconds). */
export interface OverageState {
  resetsAt: number;
}

/** Without a reset time from Anthropic, the plan is assumed spent this long (then one answer more is billed at most). */
const UNKNOWN_RESET_MS = 3600_000;

export class ExtraUsage {
  readonly setting: ExtraUsageSetting;
  /** Answers Anthropic billed to extra usage, since start. */
  answers = 0;
  /** Requests refused here because they would have drawn on extra usage (EXTRA_USAGE=off). */
  refused = 0;
  private readonly windows = new Map<string, OverageState>();
  private readonly timers: ResetTimers;
  private readonly log: LimitsLog;
  private readonly now: () => number;

  constructor(setting: ExtraUsageSetting, log: LimitsLog, now: () => number = Date.now) {
    this.setting = setting;
    this.log = log;
    this.now = now;
    this.timers = new ResetTimers(now);
  }

  /** A `rate_limit_event`: whether its answer was billed to extra usage, and for which window. */
  record(info: RateLimitInfo): void {
    if (!billedToExtraUsage(info)) return;
    this.answers++;
    const window = info.rateLimitType ?? "unknown";
    const resetsAt = info.resetsAt === undefined ? this.now() + UNKNOWN_RESET_MS : info.resetsAt * 1000;
    const known = this.windows.get(window);
    this.windows.set(window, { resetsAt });
    if (known) return;
    const detail = { window, resetsAt: new Date(resetsAt).toISOString(), extraUsage: this.setting };
    const until = `until the reset at ${resetTime(resetsAt, this.now())}`;
    if (this.setting === "off") {
      this.log(
        "warn",
        detail,
        `Claude subscription: the ${windowName(window)} is spent and an answer was billed to extra usage; EXTRA_USAGE=off: requests it applies to are refused ${until}`,
      );
    } else {
      this.log(
        "warn",
        detail,
        `Claude subscription: the ${windowName(window)} is spent; answers are billed to extra usage ${until} (EXTRA_USAGE=allowed)`,
      );
    }
    this.timers.schedule(window, resetsAt, () => this.expire());
  }

  /** With EXTRA_USAGE=off, the 429 for a request that would draw on extra usage (counted); else undefined. */
  refuse(family: Family): ApiError | undefined {
    if (this.setting !== "off") return undefined;
    const held = this.heldFor(family);
    if (!held) return undefined;
    this.refused++;
    return extraUsageRefused(held.window, held.state.resetsAt, this.now());
  }

  /** The windows answered on extra usage now (resets that passed applied first). */
  get inUse(): ReadonlyMap<string, Readonly<OverageState>> {
    this.expire();
    return this.windows;
  }

  close(): void {
    this.timers.close();
  }

  /** The window that holds back a request for this model (the one that resets last), if any. */
  private heldFor(family: Family): { window: string; state: OverageState } | undefined {
    let found: { window: string; state: OverageState } | undefined;
    for (const [window, state] of this.inUse) {
      if (!holdsBack(window, family)) continue;
      if (!found || state.resetsAt > found.state.resetsAt) found = { window, state };
    }
    return found;
  }

  private expire(): void {
    const now = this.now();
    for (const [window, state] of this.windows) {
      if (state.resetsAt > now) continue;
      this.windows.delete(window);
      this.timers.clear(window);
      this.log(
        "info",
        { window },
        `Claude subscription: the ${windowName(window)} has reset; answers come from the plan again, not from extra usage`,
      );
    }
  }
}

/**
 * The refusal while EXTRA_USAGE=off: a 429 worded as the subscription's usage limit, as a spent
 * window's is (OpenClaw 2026.9.6 reads it as a long-window rate limit: no same-model retries, its
 * fallbacks if any, and "resets" makes it show this text; a 402 would be shown as "your API key has
 * run out of credits" instead). OpenClaw shows it only up to about 270 characters: keep it short.
 */
export const extraUsageRefused = (window: string, resetsAtMs: number, nowMs: number): ApiError =>
  windowSpent(
    window,
    resetsAtMs,
    nowMs,
    "Requests would draw on extra usage, which EXTRA_USAGE=off does not allow: maxapi refuses them until then",
    "extra_usage_not_allowed",
  );
