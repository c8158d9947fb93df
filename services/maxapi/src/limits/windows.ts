// The subscription's usage windows (5-hour, weekly, weekly per model family), as the CLI reports them
// in its `rate_limit_event` lines on every answer, refusals included. What maxapi knows of each: how
// much is used, when it resets, whether it is spent. While a window is spent, requests it applies to
// are refused here at once (no CLI process, no call to Anthropic) until its reset; the state then
// expires by itself. Nothing is stored: after a restart the first request learns it again, at the
// cost of one refused call.
import type { Family } from "@clawbridge/models";
import { ApiError } from "@clawbridge/openai";
import { billedToExtraUsage, type RateLimitInfo, type WindowStatus } from "../cli/stream-json.ts";
import { holdsBack, ResetTimers } from "./resets.ts";
import { percent, resetTime, spentSentence, windowName } from "@clawbridge/limits";

export interface WindowState {
  status: WindowStatus;
  /** 0..1, as last reported. */
  utilization: number | undefined;
  /** Epoch milliseconds. */
  resetsAt: number | undefined;
  /** Requests refused here, without a CLI process, while it was spent. */
  refusedLocally: number;
}

export type LimitsLog = (level: "info" | "warn", entry: Record<string, unknown>, message: string) => void;

export class UsageWindows {
  private readonly windows = new Map<string, WindowState>();
  private readonly timers: ResetTimers;
  private readonly log: LimitsLog;
  private readonly now: () => number;

  constructor(log: LimitsLog, now: () => number = Date.now) {
    this.log = log;
    this.now = now;
    this.timers = new ResetTimers(now);
  }

  /** A `rate_limit_event`: each window it reports, and the one it names (the one that decided). */
  record(info: RateLimitInfo): void {
    // an answer billed to extra usage reports its window rejected, but was answered: not refused
    // here as spent (limits/overage.ts decides, by EXTRA_USAGE); its use and reset still count
    const status = (reported: WindowStatus | undefined) =>
      billedToExtraUsage(info) && reported === "rejected" ? undefined : reported;
    for (const [window, report] of Object.entries(info.unifiedWindows ?? {})) {
      this.update(
        window,
        status(report.status),
        report.utilization ?? (report.status === "rejected" ? 1 : undefined),
        report.resetsAt,
      );
    }
    // without a window's name a rejection is Anthropic's short rate limit, not a spent window
    if (info.rateLimitType)
      this.update(
        info.rateLimitType,
        status(info.status),
        info.utilization ?? (info.status === "rejected" ? 1 : undefined),
        info.resetsAt,
      );
  }

  /** The spent window that holds back a request for this model (the one that resets last), if any. */
  spentFor(family: Family): { window: string; state: WindowState } | undefined {
    this.expire();
    let found: { window: string; state: WindowState } | undefined;
    for (const [window, state] of this.windows) {
      if (state.status !== "rejected" || !holdsBack(window, family)) continue;
      if (!found || (state.resetsAt ?? 0) > (found.state.resetsAt ?? 0)) found = { window, state };
    }
    return found;
  }

  /** The 429 a request gets here while a window is spent, counted. */
  refuse(spent: { window: string; state: WindowState }): ApiError {
    spent.state.refusedLocally++;
    return windowSpent(
      spent.window,
      spent.state.resetsAt ?? this.now(),
      this.now(),
      "maxapi refuses requests it applies to until then, without calling Anthropic",
    );
  }

  /** The 429 for a run the CLI ended on a spent window, from what the run reported; undefined when it named none. */
  spentError(info: RateLimitInfo | undefined, cliText: string): ApiError | undefined {
    const window = info?.rateLimitType;
    if (info?.status !== "rejected" || !window || info.resetsAt === undefined) return undefined;
    return windowSpent(window, info.resetsAt * 1000, this.now(), `Claude CLI: ${cliText}`);
  }

  /** Every window seen since start, resets that passed applied first. */
  get snapshot(): ReadonlyMap<string, Readonly<WindowState>> {
    this.expire();
    return this.windows;
  }

  close(): void {
    this.timers.close();
  }

  private update(
    window: string,
    status: WindowStatus | undefined,
    utilization: number | undefined,
    resetsAtSeconds: number | undefined,
  ): void {
    const state = this.windows.get(window) ?? {
      status: "allowed",
      utilization: undefined,
      resetsAt: undefined,
      refusedLocally: 0,
    };
    this.windows.set(window, state);
    const before = state.status;
    const resetsAt = resetsAtSeconds === undefined ? state.resetsAt : resetsAtSeconds * 1000;
    state.utilization = utilization ?? (status === "rejected" ? 1 : state.utilization);
    state.resetsAt = resetsAt;
    if (!status || status === before) return;
    state.status = status;
    const detail = { window, utilization: state.utilization, resetsAt: resetsAt && new Date(resetsAt).toISOString() };
    const when = resetsAt ? `, resets ${resetTime(resetsAt, this.now())}` : "";
    if (status === "rejected") {
      this.log(
        "warn",
        detail,
        `Claude subscription: the ${windowName(window)} is spent${when}; requests it applies to are refused until then`,
      );
      this.timers.schedule(window, resetsAt, () => this.expire());
    } else if (status === "allowed_warning" && before === "allowed") {
      this.log(
        "warn",
        detail,
        `Claude subscription: the ${windowName(window)} is ${percent(state.utilization ?? 0)} used${when}`,
      );
    } else if (before === "rejected") {
      this.log("info", detail, `Claude subscription: the ${windowName(window)} is open again`);
    }
  }

  /** Windows whose reset time has passed start afresh: open, nothing used. */
  private expire(): void {
    const now = this.now();
    for (const [window, state] of this.windows) {
      if (state.resetsAt === undefined || state.resetsAt > now) continue;
      const wasSpent = state.status === "rejected";
      Object.assign(state, { status: "allowed", utilization: 0, resetsAt: undefined });
      this.timers.clear(window);
      if (wasSpent)
        this.log(
          "info",
          { window },
          `Claude subscription: the ${windowName(window)} has reset; requests go to Anthropic again`,
        );
    }
  }
}

/**
 * A spent window as the client's 429: Retry-After is the time to the reset, and the message reads as
 * a long-window limit ("subscription", "usage limit"), which is what stops OpenClaw retrying the same
 * model every half minute and lets it move to its fallbacks; "resets" makes OpenClaw show the
 * message itself rather than its generic rate-limit sentence (test/containers/openclaw-errors.test.ts).
 */
export function windowSpent(
  window: string,
  resetsAtMs: number,
  nowMs: number,
  after: string,
  code = "usage_limit_reached",
): ApiError {
  const waitMs = Math.max(resetsAtMs - nowMs, 0);
  // the catch-up service reads the window and reset back out of this sentence (lib/limits/spent.ts)
  const message = `${spentSentence(window, resetsAtMs, nowMs)} ${after}.`;
  return new ApiError(429, "rate_limit_error", code, message, null, {
    "Retry-After": String(Math.max(Math.ceil(waitMs / 1000), 1)),
    "retry-after-ms": String(Math.max(Math.ceil(waitMs), 1000)),
  });
}
