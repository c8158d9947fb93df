// monitoring/alerts.yml as Prometheus reads it: promtool (Debian's prometheus package, in an image of
// its own) checks the rules and runs their unit tests (monitoring/alerts.test.yml).
import { describe, expect, it } from "vitest";
import { ROOT, run } from "../support/stack.ts";

const IMAGE = "clawbridge/promtool:test";

const promtool = (...args: string[]) =>
  run("docker", ["run", "--rm", "--network", "none", "-v", `${ROOT}monitoring:/rules:ro`, IMAGE, ...args], {}, 120_000);

describe("the alert rules", () => {
  it("pass promtool check rules and promtool test rules", async () => {
    const build = await run(
      "docker",
      ["build", "-q", "-f", `${ROOT}monitoring/promtool.Dockerfile`, "-t", IMAGE, `${ROOT}monitoring`],
      {},
      600_000,
    );
    expect(build.code, build.stderr).toBe(0);
    const check = await promtool("check", "rules", "alerts.yml");
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 8 rules found/);
    const test = await promtool("test", "rules", "alerts.test.yml");
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/SUCCESS/);
  });
});
