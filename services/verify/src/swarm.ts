// verify's view of a Swarm stack (`STACK=clawbridge make verify`, deployed with `make deploy`): the
// stack's services and their environment from `docker service inspect`, their tasks' containers
// from `docker ps` (this node) and `docker service ps` (the others), and commands run in a task's
// container with `docker exec`. The gateway renders its config itself on Swarm (config-init runs
// first in its task), so config-init's settings are the gateway's.
import { swarmCommands, type Commands } from "./commands.ts";
import { runCommand, runFailure, type RunResult, type Target } from "./compose.ts";
import { asArray, asString, parseJsonOutput } from "./json.ts";
import type { Container } from "./services.ts";
import { CONFIG_INIT, parseAgents, rank, type Stack } from "./stack.ts";

export class SwarmTarget implements Target {
  readonly stack: string;
  readonly commands: Commands;
  secrets: string[] = [];

  constructor(stack: string) {
    this.stack = stack;
    this.commands = swarmCommands(stack);
  }

  private docker(args: string[], timeoutMs?: number): Promise<RunResult> {
    return runCommand(["docker", ...args], process.cwd(), this.secrets, timeoutMs);
  }

  /** The running container of a service's task on this node, if there is one. */
  private async container(service: string): Promise<string> {
    const found = await this.docker([
      "ps",
      "-q",
      "--filter",
      `label=com.docker.swarm.service.name=${this.stack}_${service}`,
      "--filter",
      "status=running",
    ]);
    return found.stdout.split("\n")[0]?.trim() ?? "";
  }

  async exec(
    service: string,
    command: string[],
    options: { env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const id = await this.container(service);
    if (id === "")
      return {
        code: 1,
        stdout: "",
        stderr: `no task of ${this.stack}_${service} runs on this node: run make verify on the node it runs on`,
        timedOut: false,
        error: "",
      };
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    return this.docker(["exec", ...env, id, ...command], options.timeoutMs);
  }

  logs(service: string, options: { tail?: number; since?: string }): Promise<RunResult> {
    const window = [
      ...(options.tail === undefined ? [] : ["--tail", String(options.tail)]),
      ...(options.since ? ["--since", options.since] : []),
    ];
    return this.docker(["service", "logs", "--raw", "--no-trunc", ...window, `${this.stack}_${service}`]);
  }

  /** The stack's services, settings and containers, or why they cannot be read. */
  async load(): Promise<{ stack: Stack; containers: Container[] } | { error: string }> {
    const listed = await this.docker(["stack", "services", this.stack, "--format", "{{.Name}}"]);
    if (listed.code !== 0) return { error: `docker stack services ${this.stack}: ${runFailure(listed)}` };
    const services = listed.stdout
      .split("\n")
      .map((name) => name.trim())
      .filter((name) => name.startsWith(`${this.stack}_`))
      .map((name) => name.slice(this.stack.length + 1));
    if (services.length === 0) return { error: `no stack named ${this.stack} on this swarm (docker stack ls)` };

    const env: Record<string, Record<string, string>> = {};
    for (const service of services) {
      const inspected = await this.docker([
        "service",
        "inspect",
        `${this.stack}_${service}`,
        "--format",
        "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
      ]);
      env[service] = Object.fromEntries(
        asArray(inspected.code === 0 ? parseJsonOutput(inspected.stdout) : []).map((entry) => {
          const text = asString(entry);
          const equals = text.indexOf("=");
          return equals < 0 ? [text, ""] : [text.slice(0, equals), text.slice(equals + 1)];
        }),
      );
    }
    const gateway = env.gateway ?? {};
    if (services.includes("gateway")) env[CONFIG_INIT] = gateway;
    const stack: Stack = {
      kind: "swarm",
      services: services.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
      configInit: false,
      env,
      authMode: gateway.AUTH_MODE === "setup-token" ? "setup-token" : "max-proxy",
      agents: parseAgents(gateway.AGENTS ?? ""),
    };
    return { stack, containers: await this.containers(services) };
  }

  /** A running task per service: its local container's health, or "" for a task on another node. */
  private async containers(services: string[]): Promise<Container[]> {
    const local = await this.docker([
      "ps",
      "--filter",
      `label=com.docker.stack.namespace=${this.stack}`,
      "--format",
      '{{.Label "com.docker.swarm.service.name"}}\t{{.Names}}\t{{.Status}}',
    ]);
    const containers: Container[] = [];
    for (const line of local.stdout.split("\n").filter(Boolean)) {
      const [serviceName = "", name = "", status = ""] = line.split("\t");
      const health = /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1]?.replace("health: ", "") ?? "";
      containers.push({
        service: serviceName.slice(this.stack.length + 1),
        name,
        state: "running",
        health,
        exitCode: 0,
        oneOff: false,
      });
    }
    for (const service of services.filter((s) => !containers.some((c) => c.service === s))) {
      const tasks = await this.docker([
        "service",
        "ps",
        `${this.stack}_${service}`,
        "--filter",
        "desired-state=running",
        "--format",
        "{{.CurrentState}}\t{{.Node}}",
      ]);
      const running = tasks.stdout.split("\n").find((line) => line.startsWith("Running"));
      if (running)
        containers.push({
          service,
          name: `${this.stack}_${service} on ${running.split("\t")[1] ?? "another node"}`,
          state: "running",
          health: "",
          exitCode: 0,
          oneOff: false,
          elsewhere: true,
        });
    }
    return containers;
  }
}
