// docker-compose.yml as compose resolves it from .env.example: which services each mode runs, and
// the wiring and hardening every user gets. Needs only the docker compose CLI (no containers).
import { describe, expect, it } from "vitest";
import { run } from "../support/stack.ts";

interface Service {
  profiles?: string[];
  read_only?: boolean;
  restart?: string;
  cap_drop?: string[];
  security_opt?: string[];
  healthcheck?: object;
  image?: string;
  pull_policy?: string;
  ports?: { host_ip?: string; target: number; published: string }[];
  networks?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string; required: boolean }>;
  environment?: Record<string, string | null>;
}
interface Project {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean; driver_opts?: Record<string, string> }>;
  volumes: Record<string, unknown>;
}

/** The resolved project for .env.example's settings plus `env` (as a user's shell would set them). */
async function resolved(env: Record<string, string> = {}, args: string[] = []): Promise<Project> {
  const result = await run(
    "docker",
    ["compose", "-f", "docker-compose.yml", "--env-file", ".env.example", ...args, "config", "--format", "json"],
    env,
  );
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Project;
}

const services = async (env: Record<string, string> = {}) => Object.keys((await resolved(env)).services).sort();

describe("one setting picks the option", () => {
  it("max-proxy (the default): config-init, maxapi, the normalizer, the gateway and the catch-up", async () => {
    expect(await services()).toEqual(["catchup", "config-init", "gateway", "maxapi", "normalizer"]);
  });

  it("setup-token: only config-init, the gateway and the catch-up; the gateway then does not wait for the normalizer", async () => {
    expect(await services({ AUTH_MODE: "setup-token" })).toEqual(["catchup", "config-init", "gateway"]);
    const { services: resolvedServices } = await resolved({ AUTH_MODE: "setup-token" });
    expect(resolvedServices.gateway?.depends_on?.normalizer).toMatchObject({ required: false });
    expect(resolvedServices["config-init"]?.environment?.AUTH_MODE).toBe("setup-token");
  });

  it("COMPOSE_PROFILES unset (an .env without that line): everything", async () => {
    const result = await run("docker", [
      "compose",
      "-f",
      "docker-compose.yml",
      "--env-file",
      "/dev/null",
      "config",
      "--services",
    ]);
    expect(result.stdout.trim().split("\n").sort()).toEqual([
      "catchup",
      "config-init",
      "gateway",
      "maxapi",
      "normalizer",
    ]);
  });
});

describe("a role per machine (COMPOSE_PROFILES)", () => {
  it("proxy: maxapi and the normalizer; gateway: config-init, the gateway and the catch-up", async () => {
    expect(await services({ COMPOSE_PROFILES: "proxy" })).toEqual(["maxapi", "normalizer"]);
    expect(await services({ COMPOSE_PROFILES: "gateway" })).toEqual(["catchup", "config-init", "gateway"]);
  });

  it("NORMALIZER_BIND publishes the normalizer there, on a network with no route out, and makes the key mandatory", async () => {
    const project = await resolved({
      COMPOSE_PROFILES: "proxy",
      NORMALIZER_BIND: "10.0.0.5",
      NORMALIZER_PORT: "13457",
    });
    const normalizer = project.services.normalizer;
    expect(normalizer?.ports).toMatchObject([{ host_ip: "10.0.0.5", published: "13457", target: 3457 }]);
    expect(normalizer?.environment?.PUBLISHED_ON).toBe("10.0.0.5:13457"); // the normalizer then refuses to start without PROXY_API_KEY
    expect(Object.keys(normalizer?.networks ?? {}).sort()).toEqual(["internal", "published"]);
    expect(project.networks.published).toMatchObject({
      driver_opts: { "com.docker.network.bridge.enable_ip_masquerade": "false" },
    });
  });
});

describe("wiring and hardening", () => {
  it("publishes only the gateway, on 127.0.0.1:18789 unless GATEWAY_BIND/GATEWAY_PORT say otherwise", async () => {
    const project = await resolved();
    const published = Object.entries(project.services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => `${name} ${p.host_ip ?? "*"}:${p.published}->${p.target}`),
    );
    expect(published).toEqual(["gateway 127.0.0.1:18789->18789"]);
    const moved = await resolved({ GATEWAY_BIND: "0.0.0.0", GATEWAY_PORT: "28789" });
    expect(moved.services.gateway?.ports).toMatchObject([{ host_ip: "0.0.0.0", published: "28789", target: 18789 }]);
  });

  it("reaches outside only from maxapi (Anthropic), the gateway (channels) and the catch-up (a proxy host, the notices' webhook); config-init has no network", async () => {
    const project = await resolved();
    expect(project.networks.internal?.internal).toBe(true);
    expect(project.networks.egress?.internal).toBeFalsy();
    const onEgress = Object.entries(project.services)
      .filter(([, s]) => s.networks && "egress" in s.networks)
      .map(([name]) => name);
    expect(onEgress.sort()).toEqual(["catchup", "gateway", "maxapi"]);
    expect(Object.keys(project.services.normalizer?.networks ?? {})).toEqual(["internal"]);
    expect(project.services.normalizer?.environment).not.toHaveProperty("PUBLISHED_ON");
    expect(project.services["config-init"]?.networks).toBeUndefined();
  });

  it("long-running services: healthcheck, restart unless-stopped, read-only, no new privileges, no capabilities", async () => {
    const project = await resolved();
    for (const name of ["maxapi", "normalizer", "gateway", "catchup"]) {
      const service = project.services[name];
      expect(service, name).toMatchObject({
        restart: "unless-stopped",
        read_only: true,
        cap_drop: ["ALL"],
        security_opt: ["no-new-privileges:true"],
      });
      expect(service?.healthcheck, name).toBeDefined();
    }
    expect(project.services["config-init"]).toMatchObject({
      restart: "no",
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
    });
  });

  it("builds the clawbridge images here and never asks a registry for them", async () => {
    const project = await resolved();
    for (const name of ["config-init", "maxapi", "normalizer", "gateway", "catchup"]) {
      expect(project.services[name]?.image, name).toMatch(/^clawbridge\//);
      expect(project.services[name]?.pull_policy, name).toBe("never");
    }
  });

  it("maxapi's warm CLI processes: on by default (2), within the normalizer's MAX_CONCURRENCY, which both get", async () => {
    const project = await resolved();
    expect(project.services.maxapi?.environment).toMatchObject({
      WARM_POOL_SIZE: "2",
      WARM_IDLE_MS: "300000",
      MAX_CONCURRENCY: "4",
      SYSTEM_PROMPT: "system-prompt",
    });
    expect(project.services.normalizer?.environment).toMatchObject({ MAX_CONCURRENCY: "4" });
    const changed = await resolved({ MAX_CONCURRENCY: "2", WARM_POOL_SIZE: "0" });
    expect(changed.services.maxapi?.environment).toMatchObject({ WARM_POOL_SIZE: "0", MAX_CONCURRENCY: "2" });
    expect(changed.services.normalizer?.environment).toMatchObject({ MAX_CONCURRENCY: "2" });
  });

  it("health is checked every second while a service starts, then every 10 s (maxapi's check starts a CLI process)", async () => {
    const project = await resolved();
    for (const name of ["maxapi", "normalizer", "gateway", "catchup"]) {
      expect(project.services[name]?.healthcheck, name).toMatchObject({ start_interval: "1s", interval: "10s" });
    }
  });

  it("without a Claude login the rest still comes up: the normalizer waits for maxapi to start, not to be healthy", async () => {
    const project = await resolved();
    expect(project.services.normalizer?.depends_on?.maxapi?.condition).toBe("service_started");
    expect(project.services.gateway?.depends_on?.normalizer?.condition).toBe("service_healthy");
  });

  it("one token variable: CLAUDE_SETUP_TOKEN reaches maxapi as CLAUDE_CODE_OAUTH_TOKEN and config-init as itself", async () => {
    const token = `sk-ant-oat01-${"t".repeat(95)}`;
    const project = await resolved({ CLAUDE_SETUP_TOKEN: token });
    expect(project.services.maxapi?.environment?.CLAUDE_CODE_OAUTH_TOKEN).toBe(token);
    expect(project.services["config-init"]?.environment?.CLAUDE_SETUP_TOKEN).toBe(token);
    expect(project.services.gateway?.environment?.CLAUDE_SETUP_TOKEN).toBeUndefined(); // config-init stores it for the gateway
  });

  it("channel tokens reach config-init and the gateway, in compose and on Swarm (compose.swarm.yml)", async () => {
    const tokens = {
      TELEGRAM_BOT_TOKEN: "123456789:AAH-telegram-test-token-value",
      DISCORD_BOT_TOKEN: "discord-test-token-0123456789",
    };
    const project = await resolved(tokens);
    for (const service of ["config-init", "gateway"])
      expect(project.services[service]?.environment, service).toMatchObject(tokens);
    const swarm = await run("docker", ["stack", "config", "-c", "compose.swarm.yml"], tokens);
    expect(swarm.code, swarm.stderr).toBe(0);
    // the gateway's block: from its key to the next service's (maxapi, in name order)
    const gateway = swarm.stdout.slice(swarm.stdout.indexOf("\n  gateway:"), swarm.stdout.indexOf("\n  maxapi:"));
    for (const [name, value] of Object.entries(tokens)) expect(gateway).toContain(`${name}: ${value}`);
  });

  it("the notices' settings reach the catch-up (and the channel config-init), in compose and on Swarm", async () => {
    const notices = {
      NOTICE_WEBHOOK_URL: "https://ntfy.example/",
      NOTICE_NTFY_TOPIC: "clawbridge",
      NOTICE_CHANNEL: "telegram",
      NOTICE_TO: "100123",
    };
    const project = await resolved(notices);
    expect(project.services.catchup?.environment).toMatchObject(notices);
    expect(project.services["config-init"]?.environment).toMatchObject({
      NOTICE_CHANNEL: "telegram",
      NOTICE_TO: "100123",
    });
    const swarm = await run("docker", ["stack", "config", "-c", "compose.swarm.yml"], notices);
    expect(swarm.code, swarm.stderr).toBe(0);
    const catchup = swarm.stdout.slice(swarm.stdout.indexOf("\n  catchup:"), swarm.stdout.indexOf("\n  gateway:"));
    for (const [name, value] of Object.entries(notices)) expect(catchup).toMatch(new RegExp(`${name}: "?${value}"?\n`)); // YAML quotes a number
  });

  it("OPENCLAW_STATE switches the state volume to a bind mount of an existing install", async () => {
    const project = await resolved({ OPENCLAW_STATE: "/srv/openclaw-home" });
    const mounts = (
      await run("docker", ["compose", "-f", "docker-compose.yml", "--env-file", ".env.example", "config"], {
        OPENCLAW_STATE: "/srv/openclaw-home",
      })
    ).stdout;
    expect(mounts).toMatch(/type: bind\s+source: \/srv\/openclaw-home\s+target: \/home\/node\/.openclaw/);
    expect(project.volumes).not.toHaveProperty("openclaw-state");
  });
});
