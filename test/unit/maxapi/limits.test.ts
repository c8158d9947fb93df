// The wording of the subscription's limits (windows, resets, waits) and the billing refusals as
// maxapi tells them apart from the CLI's text.
import { describe, expect, it } from "vitest";
import { BillingRefusals } from "../../../services/maxapi/src/limits/billing.ts";
import { resetTime, waitFor, windowName } from "../../../services/maxapi/src/limits/wording.ts";

describe("wording", () => {
  const now = Date.parse("2026-12-03T07:28:32Z");
  it("names each window as the Claude apps do; an unknown one as the CLI named it", () => {
    expect(["five_hour", "seven_day", "seven_day_opus", "seven_day_sonnet", "seven_day_new"].map(windowName)).toEqual([
      "5-hour window",
      "weekly window",
      "weekly Opus window",
      "weekly Sonnet window",
      "seven_day_new window",
    ]);
  });
  it("a reset within a day as a UTC clock time, a later one with its date", () => {
    expect(resetTime(Date.parse("2026-12-03T09:31:32Z"), now)).toBe("09:31 UTC");
    expect(resetTime(Date.parse("2026-12-07T22:38:12Z"), now)).toBe("22:38 UTC on 2026-12-07");
  });
  it("a wait in days, hours and minutes, rounded up to the minute", () => {
    expect(waitFor(30_000)).toBe("under a minute");
    expect(waitFor(60_000)).toBe("1 min");
    expect(waitFor(2 * 3600_000 + 3 * 60_000)).toBe("2 h 3 min");
    expect(waitFor(2 * 3600_000 + 2 * 60_000 + 1)).toBe("2 h 3 min");
    expect(waitFor(3600_000)).toBe("1 h");
    expect(waitFor(4 * 86400_000 + 15 * 3600_000 + 10 * 60_000)).toBe("4 d 15 h 10 min");
  });
});

describe("billing refusals", () => {
  it("Anthropic's sentence out of the CLI's 'API Error: 400 {json}' text, as a counted 402", () => {
    const billing = new BillingRefusals();
    const cli =
      'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Third-party apps now draw from your extra usage, not your plan limits. We\'ve added a $200 credit to get you started. Claim it at claude.ai/settings/usage and keep going."},"request_id":"req_011CZqh4woGUoytNUERuMS3X"}';
    const error = billing.check(cli);
    expect(error).toMatchObject({ status: 402, type: "billing_error", code: "extra_usage_required" });
    expect(error?.message).toMatch(/^Anthropic refused this request on billing grounds: "Third-party apps now draw from your extra usage, not your plan limits\. .* keep going\." This is Anthropic's decision about the account, so maxapi does not repeat the request\. Options: /);
    expect(error?.message).not.toContain("req_011");
    expect(billing.check("You're out of extra usage · add more at claude.ai/settings/usage")).toMatchObject({ code: "extra_usage_exhausted" });
    expect(billing.check("Usage credits required for 1M context · turn on extra usage")).toMatchObject({ code: "extra_usage_required" });
    expect([...billing.counts]).toEqual([["extra_usage_required", 2], ["extra_usage_exhausted", 1]]);
  });
  it("other errors are not billing refusals, and are not counted", () => {
    const billing = new BillingRefusals();
    expect(billing.check("You've hit your 5-hour limit · resets 9:31am (UTC)")).toBeUndefined();
    expect(billing.check('API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"}}')).toBeUndefined();
    expect(billing.counts.size).toBe(0);
  });
});
