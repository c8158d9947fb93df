import { describe, expect, it } from "vitest";
import { Compose, composeCommand, runFailure } from "../../../services/verify/src/compose.ts";
import { fixture, result } from "./fixtures.ts";

describe("composeCommand", () => {
  it("splits COMPOSE on whitespace, with docker compose as the default", () => {
    expect(composeCommand(undefined)).toEqual(["docker", "compose"]);
    expect(composeCommand("  ")).toEqual(["docker", "compose"]);
    expect(
      composeCommand("docker compose -p cbtest -f docker-compose.yml  --env-file test/containers/stack.env"),
    ).toEqual([
      "docker",
      "compose",
      "-p",
      "cbtest",
      "-f",
      "docker-compose.yml",
      "--env-file",
      "test/containers/stack.env",
    ]);
  });
});

describe("runFailure", () => {
  it("prefers openclaw's Reason line", () => {
    expect(runFailure(result("", 1, fixture("provider-401/agent-turn.stderr.txt")))).toMatch(
      /^exit 1: All models failed \(3\): claude-max-proxy\/claude-opus-4: 401 Not logged in/,
    );
  });

  it("names a timeout and a command that could not start", () => {
    expect(runFailure({ ...result(""), code: null, timedOut: true }, 120_000)).toBe("no answer within 120 s");
    expect(runFailure({ ...result(""), code: null, error: "docker: ENOENT" })).toBe("docker: ENOENT");
  });
});

describe("Compose.run", () => {
  it("runs without a shell, masks known secrets in the output and reports exit codes", async () => {
    const compose = new Compose([process.execPath, "-e"], process.cwd());
    compose.secrets = ["verify-test-secret-0123456789"];
    const out = await compose.run(["console.log('key=verify-test-secret-0123456789; $HOME'); process.exit(3)"]);
    expect(out).toMatchObject({ code: 3, stdout: "key=…(29); $HOME\n", timedOut: false });
  });

  it("kills a command at its timeout", async () => {
    const compose = new Compose([process.execPath, "-e"], process.cwd());
    const out = await compose.run(["setTimeout(() => {}, 60000)"], 200);
    expect(out).toMatchObject({ code: null, timedOut: true });
  });

  it("reports a command that does not exist", async () => {
    const out = await new Compose(["verify-no-such-command"], process.cwd()).run([]);
    expect(out).toMatchObject({ code: null, error: "verify-no-such-command: ENOENT" });
  });
});
