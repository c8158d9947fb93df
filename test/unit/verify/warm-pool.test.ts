import { describe, expect, it } from "vitest";
import { poolFigures, warmPoolRow } from "../../../services/verify/src/warm-pool.ts";
import { DC, fixture, result } from "./fixtures.ts";

// maxapi's /metrics after make verify's chat completion and agent turn, as the probe prints it
const probed = fixture("max-proxy/maxapi-metrics.txt");
const body = probed.slice(probed.indexOf("\n") + 1);

describe("poolFigures", () => {
  it("reads the pool's counters and gauges from maxapi's Prometheus text", () => {
    const figures = poolFigures(body);
    expect(figures).toEqual({ hits: 4, misses: 2, fallbacks: 0, recycled: 0, idle: 2, busy: 0 });
  });

  it("reads them among labelled and decimal samples (the usage windows' and billing refusals' names)", () => {
    const usage = [
      'maxapi_usage_window_utilization{window="five_hour"} 0.91',
      'maxapi_billing_refusals_total{code="extra_usage_required"} 2',
      "process_cpu_seconds_total 0.53",
    ].join("\n");
    expect(poolFigures(`${body}\n${usage}\n`)).toEqual({
      hits: 4,
      misses: 2,
      fallbacks: 0,
      recycled: 0,
      idle: 2,
      busy: 0,
    });
    expect(warmPoolRow("2", result(`${probed}\n${usage}\n`), DC).status).toBe("ok");
  });

  it("is undefined when a figure is missing", () => {
    expect(poolFigures(body.replace(/^maxapi_warm_idle .*$/m, ""))).toBeUndefined();
    expect(poolFigures("")).toBeUndefined();
  });
});

describe("warmPoolRow", () => {
  it("passes with the waiting processes and what the pool served", () => {
    expect(warmPoolRow("2", result(probed), DC)).toEqual({
      check: "maxapi warm pool",
      status: "ok",
      detail: "2 waiting, 0 busy (WARM_POOL_SIZE=2); since start: 4 served warm, 2 cold, 0 recycled unused",
      fix: "",
    });
    expect(warmPoolRow("", result(probed), DC).detail, "WARM_POOL_SIZE unset: maxapi's default").toContain(
      "(WARM_POOL_SIZE=2)",
    );
  });

  it("counts fall-backs among the warm ones", () => {
    const row = warmPoolRow(
      "2",
      result(`200\n${body.replace(/^maxapi_warm_fallbacks_total .*$/m, "maxapi_warm_fallbacks_total 3")}`),
      DC,
    );
    expect(row.detail).toContain("served warm (3 of them on a fresh one: the warm one was gone)");
  });

  it("skips when the pool is off, with the requests that each started their own process", () => {
    expect(warmPoolRow("0", result(probed), DC)).toMatchObject({
      status: "skip",
      detail: "off (WARM_POOL_SIZE=0): every request starts its own CLI process (2 since start)",
    });
  });

  it("fails an image without /metrics or without the pool's figures, with a rebuild as the fix", () => {
    for (const stdout of ["404\nCannot GET /metrics", "200\n# only other metrics\nprocess_cpu_seconds_total 1"]) {
      const row = warmPoolRow("2", result(stdout), DC);
      expect(row.status, stdout).toBe("FAIL");
      expect(row.detail).toContain("its image is older than this checkout");
      expect(row.fix).toBe("docker compose build maxapi && docker compose up -d");
    }
  });

  it("fails when maxapi does not answer or the probe cannot run, pointing at its log", () => {
    const refused = warmPoolRow("2", result("0\nfetch failed"), DC);
    expect(refused).toMatchObject({
      status: "FAIL",
      detail: "maxapi's /metrics: fetch failed",
      fix: "docker compose logs --tail 50 maxapi",
    });
    const failed = warmPoolRow("2", result("", 126, "OCI runtime exec failed"), DC);
    expect(failed).toMatchObject({
      status: "FAIL",
      detail: "could not read maxapi's /metrics: exit 126: OCI runtime exec failed",
    });
  });
});
