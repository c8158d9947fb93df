import { describe, expect, it } from "vitest";
import { byLabel, knows, parseMetrics, readProbe, unlabelled } from "../../../services/verify/src/metrics.ts";
import { DC, fixture, result } from "./fixtures.ts";

describe("parseMetrics", () => {
  it("reads samples with labels and decimals, and the names declared without a sample", () => {
    const metrics = parseMetrics(
      [
        "# HELP maxapi_usage_window_utilization Share of the window used",
        "# TYPE maxapi_usage_window_utilization gauge",
        'maxapi_usage_window_utilization{window="five_hour"} 0.91',
        'maxapi_usage_window_utilization{window="seven_day"} 4.2e-1',
        "",
        "# TYPE maxapi_billing_refusals_total counter",
        'odd_total{a="x\\"y",b="back\\\\slash"} 3 1700000000000',
        "inf_gauge +Inf",
        "plain 7",
      ].join("\n"),
    );
    expect(byLabel(metrics, "maxapi_usage_window_utilization", "window")).toEqual(
      new Map([
        ["five_hour", 0.91],
        ["seven_day", 0.42],
      ]),
    );
    expect(knows(metrics, "maxapi_billing_refusals_total")).toBe(true);
    expect(byLabel(metrics, "maxapi_billing_refusals_total", "code").size).toBe(0);
    expect(knows(metrics, "maxapi_usage_window_spent")).toBe(false);
    expect(metrics.samples.find((s) => s.name === "odd_total")).toEqual({
      name: "odd_total",
      labels: { a: 'x"y', b: "back\\slash" },
      value: 3,
    });
    expect(unlabelled(metrics, "inf_gauge"), "not a number to show").toBeUndefined();
    expect(unlabelled(metrics, "plain")).toBe(7);
    expect(unlabelled(metrics, "maxapi_usage_window_utilization"), "labelled only").toBeUndefined();
  });
});

describe("readProbe", () => {
  it("reads the captured /metrics, and says why there are none", () => {
    const probe = readProbe(result(fixture("max-proxy/maxapi-metrics.txt")), DC);
    expect("metrics" in probe && unlabelled(probe.metrics, "maxapi_warm_hits_total")).toBe(4);
    expect(readProbe(result("404\nCannot GET /metrics"), DC)).toEqual({
      problem: "maxapi has no /metrics: its image is older than this checkout",
      fix: "docker compose build maxapi && docker compose up -d",
    });
    expect(readProbe(result("503\n"), DC)).toEqual({
      problem: "maxapi's /metrics: HTTP 503",
      fix: "docker compose logs --tail 50 maxapi",
    });
  });
});
