import { describe, expect, it } from "vitest";
import { configInitProblem, configInitRow, parsePs, serviceRows } from "../../../services/verify/src/services.ts";
import { containersOf, DC, fixture, stackOf } from "./fixtures.ts";

describe("parsePs", () => {
  it("reads compose's JSON lines, and the JSON array older versions print", () => {
    const lines = fixture("max-proxy/compose-ps.jsonl");
    const containers = parsePs(lines);
    expect(containers.map((c) => [c.service, c.state, c.health, c.exitCode])).toEqual([
      ["config-init", "exited", "", 0],
      ["gateway", "running", "healthy", 0],
      ["maxapi", "running", "healthy", 0],
      ["mock-anthropic", "running", "healthy", 0],
      ["normalizer", "running", "healthy", 0],
    ]);
    expect(parsePs(`[${lines.trim().split("\n").join(",")}]`)).toEqual(containers);
    expect(parsePs("")).toEqual([]);
  });
});

describe("serviceRows", () => {
  it("passes every selected service of the healthy stack, config-init not among them", () => {
    const rows = serviceRows(stackOf("max-proxy").services, containersOf("max-proxy"), DC);
    expect(rows.map((row) => [row.check, row.status])).toEqual([
      ["service maxapi", "ok"],
      ["service normalizer", "ok"],
      ["service gateway", "ok"],
      ["service mock-anthropic", "ok"],
    ]);
  });

  it("fails a stopped maxapi by name, with the commands that bring it back and show why", () => {
    const rows = serviceRows(stackOf("max-proxy").services, containersOf("maxapi-stopped"), DC);
    const maxapi = rows.find((row) => row.check === "service maxapi");
    expect(maxapi).toMatchObject({ status: "FAIL", detail: "exited (exit code 0), not running" });
    expect(maxapi?.fix).toContain("docker compose up -d maxapi");
    expect(maxapi?.fix).toContain("docker compose logs --tail 50 maxapi");
    expect(rows.filter((row) => row.status === "FAIL")).toHaveLength(1);
  });

  it("fails a service without a container, and an unhealthy or starting one", () => {
    const containers = containersOf("max-proxy");
    expect(serviceRows(["maxapi", "extra"], containers, DC)[1]).toMatchObject({
      check: "service extra",
      status: "FAIL",
      fix: "docker compose up -d extra",
    });
    const unhealthy = containers.map((c) => (c.service === "maxapi" ? { ...c, health: "unhealthy" } : c));
    expect(serviceRows(["maxapi"], unhealthy, DC)[0]).toMatchObject({
      status: "FAIL",
      detail: "running but unhealthy",
    });
    expect(serviceRows(["maxapi"], unhealthy, DC)[0]?.fix).toContain("make login");
    const starting = containers.map((c) => (c.service === "gateway" ? { ...c, health: "starting" } : c));
    expect(serviceRows(["gateway"], starting, DC)[0]?.status).toBe("FAIL");
  });

  it("points a gateway that waits for a failed config-init at config-init", () => {
    const rows = serviceRows(stackOf("channel-removed").services, containersOf("channel-removed"), DC);
    expect(rows.find((row) => row.check === "service gateway")).toMatchObject({
      status: "FAIL",
      detail: "created, not started: it waits for config-init",
    });
  });
});

describe("configInitRow", () => {
  it("passes when config-init exited 0", () => {
    expect(configInitRow(containersOf("max-proxy"), "", DC)).toMatchObject({ check: "config-init", status: "ok" });
  });

  it("fails with config-init's own problems when it exited non-zero", () => {
    const row = configInitRow(
      containersOf("config-init-failed"),
      fixture("config-init-failed/config-init-logs.txt"),
      DC,
    );
    expect(row.status).toBe("FAIL");
    expect(row.detail).toBe(
      'exited 1: AGENTS: "main=gpt4": expected id=opus|sonnet|haiku; TIMEZONE: an IANA time zone such as Europe/Berlin',
    );
    expect(row.fix).toContain("docker compose logs config-init");
    expect(row.fix).toContain(".env");
  });

  it("reads OpenClaw's rejection of the rendered config", () => {
    expect(configInitProblem(fixture("channel-removed/config-init-logs.txt"))).toContain(
      'channels.telegram.botToken: Missing env var "TELEGRAM_BOT_TOKEN"',
    );
  });

  it("fails when config-init never ran", () => {
    const none = containersOf("max-proxy").filter((c) => c.service !== "config-init");
    expect(configInitRow(none, "", DC)).toMatchObject({
      status: "FAIL",
      detail: "has not run",
      fix: "docker compose up -d",
    });
  });
});
