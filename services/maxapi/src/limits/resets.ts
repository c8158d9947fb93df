// What the usage windows (windows.ts) and extra usage (overage.ts) share: a timer per window that
// fires at its reset, and which window holds back a request for a model family.
import { FAMILY_OF_WINDOW } from "@clawbridge/limits";
import type { Family } from "@clawbridge/models";

/** Whether `window` applies to a request for `family`. */
export const holdsBack = (window: string, family: Family): boolean => {
  const held = FAMILY_OF_WINDOW[window];
  return held === undefined || held === family;
};

/** setTimeout's longest delay (~24.8 days); a reset further away is looked at again when it is due. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One timer per window, at its reset; it never keeps the process alive. */
export class ResetTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** `due` runs at `resetsAt` (epoch ms), replacing the window's earlier timer; none without a reset. */
  schedule(window: string, resetsAt: number | undefined, due: () => void): void {
    this.clear(window);
    if (resetsAt === undefined) return;
    const timer = setTimeout(due, Math.min(Math.max(resetsAt - this.now(), 0), MAX_TIMER_MS));
    timer.unref();
    this.timers.set(window, timer);
  }

  clear(window: string): void {
    clearTimeout(this.timers.get(window));
    this.timers.delete(window);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
