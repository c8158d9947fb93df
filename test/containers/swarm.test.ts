// compose.swarm.yml on Docker Swarm: a single-node swarm on this engine, then a two-node swarm with a
// second engine in its own network namespace (test/support/second-engine.ts) holding the proxy
// services. The test override adds the mock Anthropic API and makes every network internal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../support/containers.ts";
import {
  copyImages,
  docker2,
  DOCKER_HOST,
  HOST_ADDRESS,
  startSecondEngine,
  stopSecondEngine,
} from "../support/second-engine.ts";
import { ROOT, run } from "../support/stack.ts";
import { agentTurn } from "../support/openclaw-agent.ts";
import { until } from "../support/until.ts";

const STACK = `cbswarm${String(process.pid)}`;
const GATEWAY_TOKEN = "swarm-test-gateway-token-0123456789";
const SECRETS = {
  CLAUDE_SETUP_TOKEN: `sk-ant-oat01-swarm-${"s".repeat(90)}`,
  PROXY_API_KEY: "swarm-test-proxy-key-0123456789",
  OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN,
};

let workDir: string;
let joinedSwarm = false;

beforeAll(() => {
  if (docker("info", "--format", "{{.Swarm.LocalNodeState}}") !== "inactive")
    throw new Error("this engine is already in a swarm: the test would change it");
  // the .env `make deploy` reads (the secrets become docker secrets; the rest, the stack's variables)
  workDir = mkdtempSync(join(tmpdir(), "clawbridge-swarm-"));
  const settings = {
    ...SECRETS,
    CLAWBRIDGE_VERSION: "test",
    HEALTHCHECK_INTERVAL: "2s",
    MOCK_FILE: join(ROOT, "test/support/mock-anthropic-api.ts"),
  };
  writeFileSync(
    join(workDir, ".env"),
    Object.entries(settings)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(""),
  );
});

afterAll(async () => {
  await leaveSwarm();
  rmSync(workDir, { recursive: true, force: true });
});

async function leaveSwarm(): Promise<void> {
  if (!joinedSwarm) return;
  await run("docker", ["stack", "rm", STACK]);
  // a stack's containers and networks go away asynchronously; its volumes stay until removed
  await until(
    "the stack's containers gone",
    () => docker("ps", "-aq", "--filter", `label=com.docker.stack.namespace=${STACK}`) === "",
    600,
  ); // the gateway may take its 60 s grace
  await run("docker", ["swarm", "leave", "--force"]);
  for (const volume of docker("volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`)
    .split("\n")
    .filter(Boolean)) {
    await run("docker", ["volume", "rm", volume]);
  }
  joinedSwarm = false;
}

/** `make deploy` with the test's .env, plus the test override (mock Anthropic API, no route out). */
async function deploy(): Promise<void> {
  const result = await run("make", ["--no-print-directory", "deploy"], {
    ENV_FILE: join(workDir, ".env"),
    SECRETS_DIR: join(workDir, "secrets"),
    STACK,
    STACK_FILES_EXTRA: "test/containers/swarm.override.yml",
  });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout + result.stderr).not.toContain(SECRETS.PROXY_API_KEY);
}

/** The running, healthy container of a service on an engine (`dockerCli` picks it), once there is one. */
const healthyContainer = (service: string, dockerCli: (...args: string[]) => string = docker) =>
  until(
    `${service} healthy`,
    () =>
      dockerCli(
        "ps",
        "-q",
        "--filter",
        `label=com.docker.swarm.service.name=${STACK}_${service}`,
        "--filter",
        "health=healthy",
      ) || undefined,
    600,
    500,
  );

/** An agent turn that must succeed, run as an operator runs it (`docker exec <task> openclaw agent …`, nothing added); its text. */
async function turnText(container: string, message: string): Promise<string> {
  const turn = await agentTurn(container, message, { bare: true });
  expect(turn.code, turn.output).toBe(0);
  expect(turn.reply?.status).toBe("ok");
  return turn.text;
}

const nodeId = (dockerCli: (...args: string[]) => string = docker) =>
  dockerCli("info", "--format", "{{.Swarm.NodeID}}");
const label = (node: string, ...labels: string[]) =>
  docker("node", "update", ...labels.flatMap((l) => ["--label-add", `clawbridge.${l}=true`]), node);

describe("a single-node swarm", () => {
  it("deploys, gets healthy and answers an agent turn", async () => {
    docker("swarm", "init", "--advertise-addr", "127.0.0.1");
    joinedSwarm = true;
    label(nodeId(), "proxy", "gateway");
    await deploy();
    for (const service of ["maxapi", "normalizer"]) await healthyContainer(service);
    expect(await turnText(await healthyContainer("gateway"), `swarm turn ${Date.now()}`)).toBe("Hello from mock!");
    await healthyContainer("catchup"); // healthy once it reads the gateway's cron jobs
  });

  it("STACK=<stack> make verify checks the Swarm deployment with the same rows, and names Swarm's commands in a fix", async () => {
    const verify = () =>
      run("make", ["--no-print-directory", "verify"], { STACK, ENV_FILE: join(workDir, ".env") }, 300_000);
    const result = await verify();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const status = (check: string) =>
      result.stdout
        .split("\n")
        .map((line) => line.split(" | ").map((cell) => cell.trim()))
        .find((cells) => cells[0] === check)
        ?.slice(1, 3);
    for (const check of [
      "service maxapi",
      "service normalizer",
      "service gateway",
      "service catchup",
      "agent main",
      "chat completion",
      "agent turn (main)",
      "maxapi warm pool",
    ])
      expect(status(check)?.[0], check).toBe("ok");
    expect(status("config-init")).toEqual(["skip", "runs first in the gateway's task on Swarm (see service gateway)"]);
    for (const secret of Object.values(SECRETS)) expect(result.stdout).not.toContain(secret);

    // the normalizer stopped (scaled to 0): its row fails and the fix is Swarm's
    docker("service", "scale", "--detach", `${STACK}_normalizer=0`);
    try {
      await until(
        "the normalizer's task gone",
        () =>
          docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_normalizer`) === ""
            ? true
            : undefined,
        120,
      );
      const down = await run(
        "make",
        ["--no-print-directory", "verify"],
        { STACK, ENV_FILE: join(workDir, ".env"), VERIFY_LIVE: "0" },
        300_000,
      );
      expect(down.code).not.toBe(0);
      const row = down.stdout.split("\n").find((line) => line.startsWith("service normalizer"));
      expect(row, down.stdout).toMatch(/\| FAIL .*make deploy/);
    } finally {
      docker("service", "scale", "--detach", `${STACK}_normalizer=1`);
      await healthyContainer("normalizer");
    }
  });

  it("replaces a killed gateway with a new task, and one that stops by itself too (OpenClaw #73178)", async () => {
    const first = await healthyContainer("gateway");
    docker("kill", first);
    const second = await until("a new gateway task", async () => {
      const id = await healthyContainer("gateway");
      return id !== first ? id : undefined;
    });
    expect(await turnText(second, `after kill ${Date.now()}`)).toBe("Hello from mock!");

    // a gateway that stops by itself: OpenClaw drains on SIGTERM and usually exits 0 (seen 143 when cut
    // mid-drain). Exit 0 makes the task Complete, which only restart_policy "any" replaces (#73178).
    expect(
      docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.RestartPolicy.Condition}}", `${STACK}_gateway`),
    ).toBe("any");
    docker("exec", second, "node", "-e", "process.kill(1, 'SIGTERM')");
    await until("the gateway to exit", () => docker("inspect", "--format", "{{.State.Status}}", second) === "exited");
    expect(["0", "143"]).toContain(docker("inspect", "--format", "{{.State.ExitCode}}", second));
    const third = await until("a gateway task after a clean exit", async () => {
      const id = await healthyContainer("gateway");
      return id !== second ? id : undefined;
    });
    expect(await turnText(third, `after exit 0 ${Date.now()}`)).toBe("Hello from mock!");
  });

  afterAll(leaveSwarm);
});

describe("a two-node swarm: proxy services on one node, the gateway on the other", () => {
  beforeAll(async () => {
    await startSecondEngine();
    copyImages(["clawbridge/maxapi:test", "clawbridge/normalizer:test", "node:24-bookworm-slim"]);
  });

  afterAll(async () => {
    await run("docker", ["-H", DOCKER_HOST, "swarm", "leave", "--force"]);
    await leaveSwarm();
    await stopSecondEngine();
  });

  it("places maxapi and the normalizer on the second node and answers a gateway turn across them", async () => {
    docker("swarm", "init", "--advertise-addr", HOST_ADDRESS, "--listen-addr", `${HOST_ADDRESS}:2377`);
    joinedSwarm = true;
    const token = docker("swarm", "join-token", "-q", "worker");
    docker2("swarm", "join", "--token", token, "--advertise-addr", "10.213.7.2", `${HOST_ADDRESS}:2377`);
    const [manager, worker] = [nodeId(), nodeId(docker2)];
    await until(
      "two ready nodes",
      () =>
        docker("node", "ls", "--format", "{{.Status}}")
          .split("\n")
          .filter((s) => s === "Ready").length === 2,
    );
    label(manager, "gateway");
    label(worker, "proxy");
    await deploy();

    // each engine runs only its node's share (both nodes share this machine's hostname, so ask the engines)
    for (const service of ["maxapi", "normalizer"]) await healthyContainer(service, docker2);
    const gateway = await healthyContainer("gateway");
    await healthyContainer("catchup");
    const tasksOn = (dockerCli: (...args: string[]) => string) =>
      dockerCli(
        "ps",
        "--format",
        `{{.Label "com.docker.swarm.service.name"}}`,
        "--filter",
        `label=com.docker.stack.namespace=${STACK}`,
      )
        .split("\n")
        .sort();
    expect(tasksOn(docker)).toEqual([`${STACK}_catchup`, `${STACK}_gateway`]);
    expect(tasksOn(docker2)).toEqual([`${STACK}_maxapi`, `${STACK}_mock-anthropic`, `${STACK}_normalizer`]);
    expect(await turnText(gateway, `two nodes ${Date.now()}`)).toBe("Hello from mock!");
  });
});
