import { describe, expect, it } from "vitest";
import { readSpent, spentSentence } from "../../../lib/limits/src/spent.ts";

const at = (iso: string) => Date.parse(iso);

describe("the spent-window sentence", () => {
  it("reads back the window and the end of the reset's minute, for each window and wait", () => {
    const now = at("2026-12-07T08:40:10Z");
    for (const window of [
      "five_hour",
      "seven_day",
      "seven_day_opus",
      "seven_day_sonnet",
      "seven_day_overage_included",
      "some_new_window",
    ]) {
      for (const reset of [at("2026-12-07T09:31:32Z"), at("2026-12-07T08:40:10Z"), at("2026-12-09T13:00:00Z")]) {
        const sentence = spentSentence(window, reset, now);
        const read = readSpent(`FailoverError: 429 ${sentence} maxapi refuses requests.`, now);
        expect(read?.window).toBe(window);
        // the sentence gives minutes: the reset has surely passed at the end of its minute
        const late = (read?.resetsAt ?? NaN) - reset;
        expect(late).toBeGreaterThan(0);
        expect(late).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it("a clock time earlier in the day than the refusal is tomorrow's", () => {
    const sentence = spentSentence("five_hour", at("2026-12-08T00:03:00Z"), at("2026-12-07T23:58:00Z"));
    expect(sentence).toContain("resets at 00:03 UTC (in 5 min)");
    expect(readSpent(sentence, at("2026-12-07T23:58:00Z"))).toEqual({
      window: "five_hour",
      resetsAt: at("2026-12-08T00:04:00Z"),
    });
  });

  it("other errors are no spent window: a short rate limit, a billing refusal, the CLI's own words", () => {
    for (const text of [
      "429 rate_limit_error: Rate limited by Anthropic; retry in 7 s",
      'Anthropic refused this request on billing grounds: "You\'re out of extra usage." …',
      "You've hit your 5-hour limit · resets 9:31am (UTC)",
      "",
    ])
      expect(readSpent(text, at("2026-12-07T08:00:00Z"))).toBeUndefined();
  });
});
