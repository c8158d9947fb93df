// Builds Dockerfile.gateway (OpenClaw from npm) and runs it with a minimal config, the gateway token
// coming from a docker secret file; reached only through its port published on 127.0.0.1.
import { fileURLToPath } from "node:url";
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, environOf, pidsIn } from "../support/containers.ts";

const TOKEN = "gateway-test-token-0123456789abcdef";

let stack: StartedDockerComposeEnvironment;
let url: string;
let id: string;

beforeAll(async () => {
  stack = await new DockerComposeEnvironment(fileURLToPath(new URL(".", import.meta.url)), "gateway.compose.yml")
    .withBuild()
    .withEnvironment({ GATEWAY_TEST_TOKEN: TOKEN })
    .withWaitStrategy("gateway-1", Wait.forHealthCheck())
    .up();
  const gateway = stack.getContainer("gateway-1");
  url = `http://127.0.0.1:${gateway.getMappedPort(18789)}`;
  id = gateway.getId();
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

describe("gateway image", () => {
  it("runs the pinned OpenClaw as uid 1000 under tini, with respawn off", () => {
    expect(docker("exec", id, "openclaw", "--version")).toMatch(/^OpenClaw 2026\.9\.6 /);
    expect(docker("exec", id, "id", "-u")).toBe("1000");
    expect(docker("exec", id, "cat", "/proc/1/comm")).toBe("tini");
    expect(docker("exec", id, "printenv", "OPENCLAW_NO_RESPAWN")).toBe("1");
  });

  it("is healthy and ready, with its probes answering without auth", async () => {
    expect(docker("inspect", "--format", "{{.State.Health.Status}}", id)).toBe("healthy");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // ready follows live by a few seconds (channels and sidecars start after the HTTP server)
    let ready = false;
    for (let attempt = 0; attempt < 60 && !ready; attempt++) {
      ready = ((await (await fetch(`${url}/readyz`)).json()) as { ready: boolean }).ready;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ready).toBe(true);
  });

  it("takes its gateway token from the secret file: the entrypoint exports it for OpenClaw", () => {
    // the gateway: the oldest "openclaw" process (it renames its title; children come later).
    // PID 1 is tini, started before the entrypoint exported the token.
    const [pid] = pidsIn(id, "openclaw");
    const environ = environOf(id, pid ?? 1);
    expect(environ).toContain(`OPENCLAW_GATEWAY_TOKEN=${TOKEN}`);
    expect(environ).not.toContain("OPENCLAW_GATEWAY_TOKEN_FILE=");
  });

  it("refuses a token set both directly and as a file, naming the variable", () => {
    let output = "";
    try {
      docker("run", "--rm", "--network", "none", "-e", "OPENCLAW_GATEWAY_TOKEN=x", "-e", "OPENCLAW_GATEWAY_TOKEN_FILE=/etc/hostname", "clawbridge/gateway:test");
    } catch (error) {
      output = (error as { stderr: string }).stderr;
    }
    expect(output).toContain("OPENCLAW_GATEWAY_TOKEN and OPENCLAW_GATEWAY_TOKEN_FILE are both set: keep one of them.");
  });

  it("an openclaw command run with docker exec, no variables added, reaches the gateway with the token from the file", () => {
    expect(docker("exec", id, "printenv", "OPENCLAW_GATEWAY_TOKEN_FILE")).not.toBe(""); // docker exec's environment: the file only
    const { jobs } = JSON.parse(docker("exec", id, "openclaw", "cron", "list", "--all", "--json")) as { jobs: unknown };
    expect(Array.isArray(jobs)).toBe(true); // the gateway's answer (OpenClaw adds jobs of its own)
    // the same command without the file is refused: the token is what makes it work
    let refused = "";
    try {
      docker("exec", "-e", "OPENCLAW_GATEWAY_TOKEN_FILE=", id, "openclaw", "cron", "list", "--all", "--json");
    } catch (error) {
      refused = (error as { stderr: string }).stderr;
    }
    expect(refused).not.toBe("");
  });
});
