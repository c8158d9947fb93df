// The wording of the subscription's limits (windows, resets, waits), the billing refusals as
// maxapi tells them apart from the CLI's text, and answers billed to extra usage (EXTRA_USAGE).
import { describe, expect, it } from "vitest";
import type { RateLimitInfo } from "../../../services/maxapi/src/cli/stream-json.ts";
import { BillingRefusals } from "../../../services/maxapi/src/limits/billing.ts";
import { createLimits } from "../../../services/maxapi/src/limits/limits.ts";
import type { ExtraUsageSetting } from "../../../services/maxapi/src/limits/overage.ts";
import { resetTime, waitFor, windowName } from "../../../lib/limits/src/wording.ts";

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
    expect(error?.message).toMatch(
      /^Anthropic refused this request on billing grounds: "Third-party apps now draw from your extra usage, not your plan limits\. .* keep going\." This is Anthropic's decision about the account, so maxapi does not repeat the request\. Options: /,
    );
    expect(error?.message).not.toContain("req_011");
    expect(billing.check("You're out of extra usage · add more at claude.ai/settings/usage")).toMatchObject({
      code: "extra_usage_exhausted",
    });
    expect(billing.check("Usage credits required for 1M context · turn on extra usage")).toMatchObject({
      code: "extra_usage_required",
    });
    expect([...billing.counts]).toEqual([
      ["extra_usage_required", 2],
      ["extra_usage_exhausted", 1],
    ]);
  });
  it("other errors are not billing refusals, and are not counted", () => {
    const billing = new BillingRefusals();
    expect(billing.check("You've hit your 5-hour limit · resets 9:31am (UTC)")).toBeUndefined();
    expect(
      billing.check(
        'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"}}',
      ),
    ).toBeUndefined();
    expect(billing.counts.size).toBe(0);
  });
});

describe("extra usage", () => {
  const RESET = Date.parse("2026-12-03T09:31:32Z");
  // the event of test/fixtures/cli/overage-in-use.jsonl, with this test's reset
  const billed: RateLimitInfo = {
    status: "rejected",
    resetsAt: RESET / 1000,
    rateLimitType: "five_hour",
    isUsingOverage: true,
    overageInUse: true,
    unifiedWindows: {
      five_hour: { status: "rejected", utilization: 1, resetsAt: RESET / 1000 },
      seven_day: { status: "allowed", utilization: 0.42, resetsAt: RESET / 1000 + 4 * 86_400 },
    },
  };
  let clock = 0;
  const setup = (setting: ExtraUsageSetting) => {
    clock = RESET - (2 * 3600 + 3 * 60) * 1000;
    const logged: [string, string][] = [];
    const limits = createLimits(
      (level, _entry, message) => logged.push([level, message]),
      () => clock,
      setting,
    );
    const record = (info: RateLimitInfo) => {
      // as the chat route does with each rate_limit_event
      limits.windows.record(info);
      limits.extraUsage.record(info);
    };
    return { limits, logged, record };
  };

  it("off: after a billed answer, requests are refused (429, Retry-After to the reset) in words naming extra usage and EXTRA_USAGE, until the reset", () => {
    const { limits, logged, record } = setup("off");
    expect(limits.extraUsage.refuse("opus"), "nothing billed yet").toBeUndefined();
    record(billed);
    record(billed); // a second answer in flight at the same time: one log line
    expect(limits.windows.spentFor("opus"), "answered, so not a spent window's refusal").toBeUndefined();
    const refused = limits.extraUsage.refuse("sonnet");
    expect(refused).toMatchObject({ status: 429, type: "rate_limit_error", code: "extra_usage_not_allowed" });
    expect(refused?.headers).toEqual({
      "Retry-After": String(2 * 3600 + 3 * 60),
      "retry-after-ms": String((2 * 3600 + 3 * 60) * 1000),
    });
    expect(refused?.message).toBe(
      "Claude subscription usage limit reached: the 5-hour window is spent and resets at 09:31 UTC (in 2 h 3 min). Requests would draw on extra usage, which EXTRA_USAGE=off does not allow: maxapi refuses them until then.",
    );
    expect(limits.extraUsage).toMatchObject({ answers: 2, refused: 1 });
    expect(logged).toEqual([
      [
        "warn",
        "Claude subscription: the 5-hour window is spent and an answer was billed to extra usage; EXTRA_USAGE=off: requests it applies to are refused until the reset at 09:31 UTC",
      ],
    ]);

    clock = RESET;
    expect(limits.extraUsage.refuse("opus"), "at the reset requests go again").toBeUndefined();
    expect(limits.extraUsage.inUse.size).toBe(0);
    expect(logged.at(-1)).toEqual([
      "info",
      "Claude subscription: the 5-hour window has reset; answers come from the plan again, not from extra usage",
    ]);
    expect(logged).toHaveLength(2);
    limits.extraUsage.close();
  });

  it("off: a weekly Opus window answered on extra usage holds back Opus only", () => {
    const { limits, record } = setup("off");
    record({ status: "rejected", resetsAt: RESET / 1000, rateLimitType: "seven_day_opus", isUsingOverage: true });
    expect(limits.extraUsage.refuse("sonnet")).toBeUndefined();
    expect(limits.extraUsage.refuse("opus")?.message).toMatch(
      /^Claude subscription usage limit reached: the weekly Opus window is spent .*extra usage, which EXTRA_USAGE=off/,
    );
    limits.extraUsage.close();
  });

  it("allowed: nothing is refused; each billed answer is counted, in use until the reset", () => {
    const { limits, logged, record } = setup("allowed");
    for (let i = 0; i < 3; i++) record(billed);
    expect(limits.extraUsage.refuse("opus")).toBeUndefined();
    expect(limits.windows.spentFor("opus")).toBeUndefined();
    expect(limits.extraUsage).toMatchObject({ answers: 3, refused: 0 });
    expect([...limits.extraUsage.inUse]).toEqual([["five_hour", { resetsAt: RESET }]]);
    expect(logged).toEqual([
      [
        "warn",
        "Claude subscription: the 5-hour window is spent; answers are billed to extra usage until the reset at 09:31 UTC (EXTRA_USAGE=allowed)",
      ],
    ]);
    clock = RESET;
    expect(limits.extraUsage.inUse.size).toBe(0);
    limits.extraUsage.close();
  });

  it("answers from the plan, and a spent window without extra usage, are not billed", () => {
    const { limits, record } = setup("off");
    record({ status: "allowed", resetsAt: RESET / 1000, rateLimitType: "five_hour", isUsingOverage: false });
    record({ status: "rejected", resetsAt: RESET / 1000, rateLimitType: "five_hour", isUsingOverage: false });
    expect(limits.extraUsage.answers).toBe(0);
    expect(limits.extraUsage.refuse("opus")).toBeUndefined();
    expect(limits.windows.spentFor("opus"), "the refused window is still a spent one").toBeDefined();
    limits.windows.close();
    limits.extraUsage.close();
  });
});
