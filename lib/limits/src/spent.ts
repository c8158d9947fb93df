// The sentence that opens every refusal on a spent usage window (maxapi's 429s, whether maxapi
// refused at once or the CLI ended on Anthropic's refusal), and what a reader takes back out of it.
// OpenClaw keeps that text as a failed cron run's `lastError`; the catch-up service reads the window
// and its reset from there, so the two sides share this one module.
import { resetTime, waitFor, WINDOW_NAMES, windowName } from "./wording.ts";

/** "Claude subscription usage limit reached: the 5-hour window is spent and resets at 09:31 UTC (in 2 h 3 min)." */
export function spentSentence(window: string, resetsAtMs: number, nowMs: number): string {
  const waitMs = Math.max(resetsAtMs - nowMs, 0);
  return `Claude subscription usage limit reached: the ${windowName(window)} is spent and resets at ${resetTime(resetsAtMs, nowMs)} (in ${waitFor(waitMs)}).`;
}

const SPENT =
  /Claude subscription usage limit reached: the (.+?) is spent and resets at (\d{2}):(\d{2}) UTC(?: on (\d{4})-(\d{2})-(\d{2}))?/;
const DAY_MS = 24 * 3600_000;
const MINUTE_MS = 60_000;

/** What a spent-window refusal says: which window, and when it has surely reset (epoch ms). */
export interface SpentWindow {
  window: string;
  resetsAt: number;
}

/**
 * The window and reset a refusal names, read from `text` (it may be wrapped in a client's words);
 * undefined when `text` is no spent-window refusal. The sentence gives the reset to the minute and
 * without a date when it is within a day, so the reset is taken as the end of that minute, at the
 * first such time after `writtenAtMs` (when the refusal was made, e.g. the failed run's start).
 */
export function readSpent(text: string, writtenAtMs: number): SpentWindow | undefined {
  const match = SPENT.exec(text);
  if (!match) return undefined;
  const [, name = "", hours, minutes, year, month, day] = match;
  const window = Object.entries(WINDOW_NAMES).find(([, known]) => known === name)?.[0] ?? name.replace(/ window$/, "");
  const written = new Date(writtenAtMs);
  const dated = year !== undefined;
  let resetsAt =
    Date.UTC(
      dated ? Number(year) : written.getUTCFullYear(),
      dated ? Number(month) - 1 : written.getUTCMonth(),
      dated ? Number(day) : written.getUTCDate(),
      Number(hours),
      Number(minutes),
    ) + MINUTE_MS;
  // a clock time without a date is the next such time: earlier in the day means tomorrow
  if (!dated && resetsAt <= writtenAtMs - MINUTE_MS) resetsAt += DAY_MS;
  return { window, resetsAt };
}
