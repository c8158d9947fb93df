// Builds Dockerfile.normalizer, runs the image hardened (read-only, no capabilities, non-root)
// in front of the mock upstream, and talks to it only through its port published on 127.0.0.1.
import type { StartedDockerComposeEnvironment } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import { startCompose } from "../support/stack.ts";

const KEY = "container-test-key-0123456789";

let stack: StartedDockerComposeEnvironment;
let url: string;
let containerId: string;

beforeAll(async () => {
  stack = await startCompose("normalizer.compose.yml", { healthy: ["normalizer"] });
  const normalizer = stack.getContainer("normalizer-1");
  url = `http://127.0.0.1:${normalizer.getMappedPort(3457)}`;
  containerId = normalizer.getId();
});

afterAll(async () => {
  await stack.down({ removeVolumes: true });
});

describe("normalizer image", () => {
  it("is healthy, runs as the node user, published on loopback only", () => {
    expect(docker("inspect", "--format", "{{.State.Health.Status}} {{.Config.User}}", containerId)).toBe(
      "healthy node",
    );
    const bindings = JSON.parse(
      docker("inspect", "--format", "{{json .HostConfig.PortBindings}}", containerId),
    ) as Record<string, { HostIp: string }[]>;
    expect(bindings["3457/tcp"]?.map((b) => b.HostIp)).toEqual(["127.0.0.1"]);
  });

  it("answers a chat request through to the upstream, and refuses one without the key", async () => {
    const request = {
      model: "anthropic/claude-sonnet-4-5",
      messages: [{ role: "user", content: [{ type: "text", text: "hello from the container test" }] }],
    };
    const ok = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      model: "claude-sonnet-4-5",
      choices: [{ message: { content: "mock answer" } }],
    }); // a pin, passed on as itself

    const refused = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(request) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { type: "authentication_error" } });
  });

  it("is ready while its upstream answers", async () => {
    const response = await fetch(`${url}/readyz`);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("stops on SIGTERM with exit code 0", () => {
    docker("stop", "--time", "20", containerId);
    expect(docker("inspect", "--format", "{{.State.ExitCode}}", containerId)).toBe("0");
    expect(docker("logs", containerId)).toContain('"msg":"stopped"');
  });
});
