import { describe, expect, it } from "vitest";
import { swarmCommands } from "../../../services/verify/src/commands.ts";
import { parseMetrics } from "../../../services/verify/src/metrics.ts";
import { billingRow, extraUsageRow, usageRows } from "../../../services/verify/src/usage.ts";
import { DC, fixture, result } from "./fixtures.ts";

// maxapi's /metrics as prom-client 15 prints it (a labelled metric with no sample yet keeps its HELP and TYPE lines)
const captured = fixture("max-proxy/maxapi-metrics.txt");
const declared = (name: string, type: "gauge" | "counter") => `# HELP ${name} …\n# TYPE ${name} ${type}\n`;
const USAGE_NAMES =
  declared("maxapi_usage_window_utilization", "gauge") +
  declared("maxapi_usage_window_resets_at_seconds", "gauge") +
  declared("maxapi_usage_window_spent", "gauge") +
  declared("maxapi_usage_window_refused_locally_total", "counter");
const BILLING_NAME = declared("maxapi_billing_refusals_total", "counter");
const EXTRA_USAGE_NAMES =
  declared("maxapi_extra_usage_allowed", "gauge") +
  declared("maxapi_extra_usage_in_use", "gauge") +
  declared("maxapi_extra_usage_until_seconds", "gauge") +
  declared("maxapi_extra_usage_answers_total", "counter") +
  declared("maxapi_extra_usage_refused_total", "counter");
/** The probe's output: the captured pool figures, the usage names, then these samples. */
const probed = (...samples: string[]) =>
  result(`${captured}\n${USAGE_NAMES}${EXTRA_USAGE_NAMES}${BILLING_NAME}${samples.join("\n")}\n`);
const EXTRA_UNUSED = {
  check: "extra usage",
  status: "ok",
  detail: "not used since maxapi started (EXTRA_USAGE=off: the plan's limits only)",
  fix: "",
};

// 2 h 3 min before the five_hour window's reset (09:31:32 UTC)
const NOW = Date.parse("2026-12-03T07:28:32Z");
const RESET = 'maxapi_usage_window_resets_at_seconds{window="five_hour"} 1796290292';

const rows = (...samples: string[]) => usageRows(probed(...samples), NOW, DC, false);
const row = (check: string, ...samples: string[]) => rows(...samples).find((r) => r.check === check);

describe("usageRows: the windows", () => {
  it("a spent window fails: until when maxapi refuses, how many it refused without calling Anthropic, and the fix", () => {
    const spent = row(
      "5-hour window",
      'maxapi_usage_window_utilization{window="five_hour"} 1',
      RESET,
      'maxapi_usage_window_spent{window="five_hour"} 1',
      'maxapi_usage_window_refused_locally_total{window="five_hour"} 3',
    );
    expect(spent).toEqual({
      check: "5-hour window",
      status: "FAIL",
      detail: "spent: requests are refused until 09:31 UTC (in 2 h 3 min); 3 refused so far without calling Anthropic",
      fix: 'wait for the reset at 09:31 UTC, or set the optional FALLBACK_ANTHROPIC_API_KEY in .env (the metered API, paid) and run docker compose up -d; see docs/operations.md, "Usage limits"',
    });
  });

  it("a spent window with the fallback on says OpenClaw uses it meanwhile; on Swarm the fix deploys", () => {
    const samples = [RESET, 'maxapi_usage_window_spent{window="five_hour"} 1'];
    const [withFallback] = usageRows(probed(...samples), NOW, DC, true);
    expect(withFallback?.detail).toBe(
      "spent: requests are refused until 09:31 UTC (in 2 h 3 min); none refused so far without calling Anthropic",
    );
    expect(withFallback?.fix).toBe(
      'wait for the reset at 09:31 UTC; meanwhile OpenClaw uses the metered fallback (FALLBACK_ANTHROPIC_API_KEY is set, paid); see docs/operations.md, "Usage limits"',
    );
    const [swarm] = usageRows(probed(...samples), NOW, swarmCommands("clawbridge"), false);
    expect(swarm?.fix).toContain("and run make deploy;");
  });

  it("a spent weekly window of one model family names that family's requests", () => {
    const opus = row(
      "weekly Opus window",
      'maxapi_usage_window_spent{window="seven_day_opus"} 1',
      'maxapi_usage_window_resets_at_seconds{window="seven_day_opus"} 1796290292',
    );
    expect(opus?.detail).toBe(
      "spent: Opus requests are refused until 09:31 UTC (in 2 h 3 min); none refused so far without calling Anthropic",
    );
  });

  it("a spent window without a reset time, and one whose reset has passed", () => {
    const noTime = row("weekly window", 'maxapi_usage_window_spent{window="seven_day"} 1');
    expect(noTime).toMatchObject({
      status: "FAIL",
      detail:
        "spent: requests are refused until it resets (Anthropic gave no time); none refused so far without calling Anthropic",
    });
    expect(noTime?.fix).toMatch(/^wait for the reset, or set the optional FALLBACK_ANTHROPIC_API_KEY/);
    const passed = usageRows(
      probed(RESET, 'maxapi_usage_window_spent{window="five_hour"} 1'),
      Date.parse("2026-12-03T09:40:00Z"),
      DC,
      false,
    )[0];
    expect(passed).toMatchObject({
      status: "ok",
      detail: "was spent until 09:31 UTC, which has passed: requests go to Anthropic again",
    });
  });

  it("a window at 90 % or more stays ok but says it is nearly spent", () => {
    const warning = row(
      "5-hour window",
      'maxapi_usage_window_utilization{window="five_hour"} 0.91',
      RESET,
      'maxapi_usage_window_spent{window="five_hour"} 0',
    );
    expect(warning).toEqual({
      check: "5-hour window",
      status: "ok",
      detail: "91 % used: nearly spent; resets 09:31 UTC (in 2 h 3 min)",
      fix: "",
    });
  });

  it("fine windows: one row each, in the apps' order, the date when the reset is more than a day away; unknown names as given", () => {
    const fine = rows(
      'maxapi_usage_window_utilization{window="seven_day_opus"} 0.05',
      'maxapi_usage_window_utilization{window="five_hour"} 0.42',
      'maxapi_usage_window_utilization{window="seven_day"} 0.42',
      'maxapi_usage_window_utilization{window="next_thing"} 0.1',
      RESET,
      'maxapi_usage_window_resets_at_seconds{window="seven_day"} 1796635892',
    );
    expect(fine.map((r) => [r.check, r.status, r.detail])).toEqual([
      ["5-hour window", "ok", "42 % used, resets 09:31 UTC"],
      ["weekly window", "ok", "42 % used, resets 09:31 UTC on 2026-12-07"],
      ["weekly Opus window", "ok", "5 % used"],
      ["next_thing window", "ok", "10 % used"],
      ["extra usage", "ok", EXTRA_UNUSED.detail],
      ["billing refusals", "ok", "none since maxapi started"],
    ]);
  });

  it("a fine window whose reset has passed says its figure is from before it", () => {
    const [stale] = usageRows(
      probed('maxapi_usage_window_utilization{window="five_hour"} 0.42', RESET),
      Date.parse("2026-12-03T12:00:00Z"),
      DC,
      false,
    );
    expect(stale).toMatchObject({
      status: "ok",
      detail: "42 % used before its reset at 09:31 UTC (the next answer updates it)",
    });
  });

  it("none seen yet: one skip row", () => {
    expect(rows()).toEqual([
      {
        check: "usage windows",
        status: "skip",
        detail: "no usage reported since maxapi started (it learns it from the first answer)",
        fix: "",
      },
      EXTRA_UNUSED,
      { check: "billing refusals", status: "ok", detail: "none since maxapi started", fix: "" },
    ]);
  });

  it("an image without the names: the windows row fails with the rebuild, once; the warm pool's figures are still read", () => {
    const old = usageRows(result(captured), NOW, DC, false);
    expect(old).toEqual([
      {
        check: "usage windows",
        status: "FAIL",
        detail: "maxapi's /metrics lacks the usage windows: its image is older than this checkout",
        fix: "docker compose build maxapi && docker compose up -d",
      },
      {
        check: "extra usage",
        status: "skip",
        detail: "not reported: maxapi's /metrics lacks it too (see above)",
        fix: "",
      },
      {
        check: "billing refusals",
        status: "skip",
        detail: "not reported: maxapi's /metrics lacks them too (see above)",
        fix: "",
      },
    ]);
  });

  it("skips when /metrics could not be read (the warm pool row says why)", () => {
    for (const output of [result("404\nCannot GET /metrics"), result("", 126, "OCI runtime exec failed")]) {
      expect(usageRows(output, NOW, DC, false).map((r) => [r.check, r.status, r.detail])).toEqual([
        ["usage windows", "skip", "maxapi's /metrics could not be read (see maxapi warm pool)"],
        ["extra usage", "skip", "maxapi's /metrics could not be read (see maxapi warm pool)"],
        ["billing refusals", "skip", "maxapi's /metrics could not be read (see maxapi warm pool)"],
      ]);
    }
  });
});

describe("extraUsageRow", () => {
  const extra = (...samples: string[]) =>
    extraUsageRow(parseMetrics(`${EXTRA_USAGE_NAMES}${samples.join("\n")}`), NOW, DC);
  const UNTIL = "maxapi_extra_usage_until_seconds 1796290292";

  it("EXTRA_USAGE=off and a window answered on extra usage: FAIL until its reset, with the billed answer and the refusals, and the fix naming EXTRA_USAGE", () => {
    const row = extra(
      "maxapi_extra_usage_allowed 0",
      "maxapi_extra_usage_in_use 1",
      UNTIL,
      "maxapi_extra_usage_answers_total 1",
      "maxapi_extra_usage_refused_total 4",
    );
    expect(row).toEqual({
      check: "extra usage",
      status: "FAIL",
      detail:
        "refused until 09:31 UTC (in 2 h 3 min): a spent window would be answered on the account's extra usage, which EXTRA_USAGE=off does not allow; 1 answer billed to it since maxapi started, 4 requests refused without calling Anthropic",
      fix: 'wait for the reset, or set EXTRA_USAGE=allowed in .env (extra usage is paid) and run docker compose up -d; see docs/operations.md, "Usage limits"',
    });
    expect(
      extraUsageRow(parseMetrics(`${EXTRA_USAGE_NAMES}maxapi_extra_usage_in_use 1\n`), NOW, swarmCommands("clawbridge"))
        .fix,
    ).toContain("and run make deploy;");
  });

  it("EXTRA_USAGE=off after the reset: ok, with what happened since start; never used: ok", () => {
    expect(
      extra("maxapi_extra_usage_in_use 0", "maxapi_extra_usage_answers_total 1", "maxapi_extra_usage_refused_total 1"),
    ).toMatchObject({
      status: "ok",
      detail:
        "not in use now (EXTRA_USAGE=off); 1 answer billed to it since maxapi started, 1 request refused until the window reset",
    });
    expect(extra("maxapi_extra_usage_in_use 0")).toEqual(EXTRA_UNUSED);
  });

  it("EXTRA_USAGE=allowed: ok, in use until the reset and counted", () => {
    expect(
      extra("maxapi_extra_usage_allowed 1", "maxapi_extra_usage_in_use 1", UNTIL, "maxapi_extra_usage_answers_total 3"),
    ).toMatchObject({
      status: "ok",
      detail:
        "allowed (EXTRA_USAGE=allowed); in use until 09:31 UTC (in 2 h 3 min): a spent window is answered on the account's extra usage (paid); 3 answers billed to it since maxapi started",
    });
    expect(extra("maxapi_extra_usage_allowed 1", "maxapi_extra_usage_in_use 0")).toMatchObject({
      status: "ok",
      detail: "allowed (EXTRA_USAGE=allowed); 0 answers billed to it since maxapi started",
    });
  });

  it("an image without the names fails with the rebuild", () => {
    expect(extraUsageRow(parseMetrics(BILLING_NAME), NOW, DC)).toMatchObject({
      status: "FAIL",
      detail: "maxapi's /metrics lacks extra usage: its image is older than this checkout",
      fix: "docker compose build maxapi && docker compose up -d",
    });
  });
});

describe("billingRow", () => {
  const billing = (...samples: string[]) => billingRow(parseMetrics(`${BILLING_NAME}${samples.join("\n")}`), NOW, DC);

  it("none: declared without a sample, or at 0", () => {
    expect(billing()).toMatchObject({ status: "ok", detail: "none since maxapi started" });
    expect(billing('maxapi_billing_refusals_total{code="extra_usage_required"} 0')).toMatchObject({
      status: "ok",
      detail: "none since maxapi started",
    });
  });

  it("N refusals fail, by code, most first, with what the user can do", () => {
    const refused = billing(
      'maxapi_billing_refusals_total{code="extra_usage_exhausted"} 1',
      'maxapi_billing_refusals_total{code="extra_usage_required"} 2',
    );
    expect(refused).toMatchObject({
      status: "FAIL",
      detail: "3 refused by Anthropic since maxapi started (extra_usage_required: 2, extra_usage_exhausted: 1)",
    });
    expect(refused.fix).toContain("draw on extra usage");
    expect(refused.fix).toContain("claude.ai/settings/usage");
    expect(refused.fix).toContain("FALLBACK_ANTHROPIC_API_KEY");
    expect(refused.fix).toContain("Option 1 (AUTH_MODE=setup-token)");
    expect(refused.fix).toContain('See docs/operations.md, "Billing refusals"');
  });

  it("a last refusal over an hour ago no longer fails (the account may have changed since); a recent one does", () => {
    const count = 'maxapi_billing_refusals_total{code="extra_usage_required"} 2';
    const at = (ms: number) => `maxapi_billing_last_refusal_seconds ${Math.round(ms / 1000)}`;
    expect(billing(count, at(NOW - 2 * 3600_000))).toMatchObject({
      status: "ok",
      detail:
        "none in the last hour; 2 refused by Anthropic since maxapi started (extra_usage_required: 2), the last at 05:28 UTC",
    });
    expect(billing(count, at(NOW - 60_000))).toMatchObject({ status: "FAIL" });
  });

  it("fails an image without the name when the windows row did not already say so", () => {
    expect(billingRow(parseMetrics(USAGE_NAMES), NOW, DC)).toMatchObject({
      status: "FAIL",
      detail: "maxapi's /metrics lacks the billing refusals: its image is older than this checkout",
    });
  });
});
