// A notice: one event worth telling the user, in one sentence, with what it is about. Its key is what
// makes it one: the same event seen again (the next pass, after a restart) has the same key and is
// not sent again.
import { resetTime } from "@clawbridge/limits";

export type NoticeEvent =
  | "window-warning"
  | "window-spent"
  | "window-reopened"
  | "billing-refusal"
  | "extra-usage-used"
  | "extra-usage-refused"
  | "catchup-done"
  | "catchup-failed";

export interface Notice {
  event: NoticeEvent;
  key: string;
  text: string;
  window?: string;
  /** The window's reset (epoch ms). */
  resetsAt?: number;
  job?: string;
}

/** "09:31 UTC", "09:31 UTC on 2026-12-09". */
export const at = (resetsAt: number, now: number) => resetTime(resetsAt, now);

/** Two readings of one reset agree to the minute. */
export const minuteOf = (ms: number) => Math.round(ms / 60_000);

/** Anthropic tokens and bearer credentials a failure's text might quote, cut to a prefix and a length. */
export function redact(text: string): string {
  return text
    .replace(/\bsk-ant-[a-z0-9]+-[A-Za-z0-9_-]+/g, (token) => `${token.slice(0, 14)}…(${token.length})`)
    .replace(
      /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/g,
      (_whole, bearer: string, token: string) => `${bearer}…(${token.length})`,
    );
}
