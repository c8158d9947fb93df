// Two machines with plain compose: a proxy host (COMPOSE_PROFILES=proxy: maxapi + normalizer, the
// normalizer published on NORMALIZER_BIND) on this engine, and a gateway host (COMPOSE_PROFILES=gateway:
// config-init + gateway + catchup) on a second engine in its own network namespace, which reaches this machine
// only through one veth pair: the gateway can reach the normalizer only through its published port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, PRODUCT_FILES, run } from "../support/stack.ts";
import { until } from "../support/until.ts";
import {
  copyImages,
  DOCKER_HOST,
  HOST_ADDRESS,
  startSecondEngine,
  stopSecondEngine,
} from "../support/second-engine.ts";
import { freePort } from "../support/ports.ts";
import { MockAnthropicClient } from "../support/mock-anthropic-client.ts";
import { docker } from "../support/containers.ts";
import { agentTurn } from "../support/openclaw-agent.ts";

const PROXY = `clawbridge-proxy-host-${process.pid}`;
const GATEWAY = `clawbridge-gateway-host-${process.pid}`;
const GATEWAY_ENGINE = { DOCKER_HOST };
let normalizerUrl: string;
let mock: MockAnthropicClient;

/** The gateway host's project: the product compose file alone, on the second engine. */
const gatewayHost = (args: string[], env: Record<string, string> = {}) =>
  compose(
    GATEWAY,
    args,
    {
      ...GATEWAY_ENGINE,
      COMPOSE_PROFILES: "gateway",
      NORMALIZER_URL: normalizerUrl,
      HEALTHCHECK_INTERVAL: "1s",
      ...env,
    },
    300_000,
    PRODUCT_FILES,
  );

beforeAll(async () => {
  const port = await freePort();
  normalizerUrl = `http://${HOST_ADDRESS}:${String(port)}/v1`;
  await startSecondEngine();
  // the proxy host: the product file plus the test override (mock Anthropic API, no route out)
  const proxy = await compose(PROXY, ["up", "-d", "--build", "--wait"], {
    ...PROXY_HOST,
    NORMALIZER_PORT: String(port),
  });
  expect(proxy.code, proxy.stderr).toBe(0);
  mock = new MockAnthropicClient(
    `http://${docker("port", `${PROXY}-mock-anthropic-1`, "8080/tcp").split("\n")[0] ?? ""}`,
  );
  // the gateway host's images, built here (cached when an earlier test built them), then copied over
  const built = await compose(PROXY, ["build", "config-init", "gateway", "catchup"], { COMPOSE_PROFILES: "gateway" });
  expect(built.code, built.stderr).toBe(0);
  copyImages(["clawbridge/gateway:test", "clawbridge/config-init:test", "clawbridge/catchup:test"]);
});

afterAll(async () => {
  await gatewayHost(["down", "--volumes"]);
  await stopSecondEngine();
  await compose(PROXY, ["down", "--volumes"], PROXY_HOST);
  expect(networksLeft(PROXY), "networks the proxy host's project left").toBe("");
});

/**
 * The proxy host's settings: `down` needs NORMALIZER_BIND as `up` had it, or compose leaves out the
 * normalizer's published network and never removes it (each left network holds one of the engine's
 * address pools until none is left).
 */
const PROXY_HOST = { COMPOSE_PROFILES: "proxy", NORMALIZER_BIND: HOST_ADDRESS };
const networksLeft = (project: string) =>
  docker("network", "ls", "-q", "--filter", `label=com.docker.compose.project=${project}`);

const gatewayTurn = (message: string) => agentTurn(`${GATEWAY}-gateway-1`, message, { dockerHost: DOCKER_HOST });

describe("a proxy host and a gateway host", () => {
  it("runs only its role's services on each machine", async () => {
    const proxyServices = await compose(PROXY, ["ps", "--format", "{{.Service}}"], PROXY_HOST);
    expect(proxyServices.stdout.trim().split("\n").sort()).toEqual(["maxapi", "mock-anthropic", "normalizer"]);
    const up = await gatewayHost(["up", "-d", "--wait"]);
    expect(up.code, up.stderr).toBe(0);
    const gatewayServices = await gatewayHost(["ps", "--all", "--format", "{{.Service}} {{.State}}"]);
    expect(gatewayServices.stdout.trim().split("\n").sort()).toEqual([
      "catchup running",
      "config-init exited",
      "gateway running",
    ]);
  });

  it("the gateway host cannot reach the proxy host's containers, only the published port", async () => {
    const probe = (url: string) =>
      run(
        "docker",
        [
          "exec",
          `${GATEWAY}-gateway-1`,
          "node",
          "-e",
          `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(3000)}).then(r=>console.log(r.status),e=>console.log("unreachable",e.cause?.code??e.name))`,
        ],
        GATEWAY_ENGINE,
      );
    expect((await probe(`${normalizerUrl.replace(/\/v1$/, "")}/healthz`)).stdout.trim()).toBe("200");
    const normalizerIp =
      docker(
        "inspect",
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
        `${PROXY}-normalizer-1`,
      ).split(" ")[0] ?? "";
    expect(normalizerIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await probe(`http://${normalizerIp}:3457/healthz`)).stdout).toMatch(/^unreachable/);
  });

  it("an OpenClaw agent turn on the gateway host is answered through the proxy host", async () => {
    const marker = `two-machines-${Date.now()}`;
    const turn = await gatewayTurn(`Please echo ${marker}`);
    expect(turn.code, turn.output).toBe(0);
    expect(turn.reply?.status).toBe("ok");
    expect(turn.text).toBe("Hello from mock!");
    expect((await mock.receivedWith(marker)).text).toContain(marker);
  });

  it("a wrong key is refused with 401, and the gateway's log says why", async () => {
    const recreated = await gatewayHost(["up", "-d", "--wait"], { PROXY_API_KEY: "wrong-key-0123456789abcdef" });
    expect(recreated.code, recreated.stderr).toBe(0);
    const turn = await gatewayTurn(`wrong key ${Date.now()}`);
    expect(turn.code).not.toBe(0);
    const logs = await run("docker", ["logs", `${GATEWAY}-gateway-1`], GATEWAY_ENGINE);
    expect(logs.stdout + logs.stderr).toMatch(/401 the API key is not valid: send this normalizer's PROXY_API_KEY/);
  });

  it("a missing key is refused with 401 too", async () => {
    const response = await fetch(
      `http://${
        docker("port", `${PROXY}-normalizer-1`, "3457/tcp")
          .split("\n")
          .find((line) => line.startsWith("127.0.0.1")) ?? ""
      }/v1/chat/completions`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-sonnet-4", messages: [{ role: "user", content: "hi" }] }),
      },
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /^an API key is required/,
    );
  });

  it("a normalizer published without PROXY_API_KEY refuses to start, saying why", async () => {
    const project = `${PROXY}-open`;
    try {
      const up = await compose(project, ["up", "-d", "--no-deps", "normalizer"], {
        ...PROXY_HOST,
        NORMALIZER_PORT: String(await freePort()),
        PROXY_API_KEY: "",
      });
      expect(up.code, up.stderr).toBe(0);
      const refusal =
        /PROXY_API_KEY is not set, and the normalizer is published \(on 10\.213\.7\.1:\d+\): run make setup/;
      const logs = await until("the normalizer's refusal in its log", async () => {
        const { stdout } = await compose(project, ["logs", "--no-color", "normalizer"], PROXY_HOST);
        return refusal.test(stdout) ? stdout : undefined;
      });
      expect(logs).not.toMatch(/listening/);
    } finally {
      await compose(project, ["down", "--volumes"], PROXY_HOST);
    }
    expect(networksLeft(project), "networks the project left").toBe("");
  });
});
