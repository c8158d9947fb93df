// Compose projects as the container tests start them. The product's stack: docker-compose.yml as
// shipped, plus test/containers/stack.override.yml (mock Anthropic API, loopback-only ports, no route
// out) and test/containers/stack.env (fake secrets). A test's own compose file: one of
// test/containers/*.compose.yml. Each project gets its own name, so volumes and networks never mix
// with a user's stack or another test's.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  DockerComposeEnvironment,
  Wait,
  type StartedDockerComposeEnvironment,
  type WaitStrategy,
} from "testcontainers";
import { healthReport } from "./containers.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FILES = ["docker-compose.yml", "test/containers/stack.override.yml"];
/** The product's compose file without the test override: a host that runs the product as shipped. */
export const PRODUCT_FILES = ["docker-compose.yml"];
const ENV_FILE = `${ROOT}test/containers/stack.env`;
const TEST_COMPOSE_DIR = `${ROOT}test/containers`;

/** The settings in stack.env (the tests look for its secrets in logs). */
export const stackEnv: Readonly<Record<string, string>> = Object.fromEntries(
  readFileSync(ENV_FILE, "utf8")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

/**
 * `docker compose` with the project's files, as one command line (the COMPOSE variable of `make
 * verify`). `files`: the product's file and the test override unless told otherwise.
 */
export const composeCommand = (project: string, files = FILES): string[] => [
  "docker",
  "compose",
  "-p",
  project,
  ...files.flatMap((file) => ["-f", `${ROOT}${file}`]),
  "--env-file",
  ENV_FILE,
];

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker compose …` for the project (its `files` as in composeCommand); never throws on a non-zero exit. */
export async function compose(
  project: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 300_000,
  files = FILES,
): Promise<CommandResult> {
  const [command = "docker", ...base] = composeCommand(project, files);
  return run(command, [...base, ...args], env, timeoutMs);
}

/** Runs a command from the repository root; never throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 300_000,
): Promise<CommandResult> {
  return promisify(execFile)(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (thrown: unknown) => {
      const error = thrown as { code?: number | string; stdout?: string; stderr?: string };
      return {
        code: typeof error.code === "number" ? error.code : -1,
        stdout: error.stdout ?? "",
        stderr: `${error.stderr ?? ""}${typeof error.code === "string" ? ` (${error.code})` : ""}`,
      };
    },
  );
}

const ALL_SERVICES = ["mock-anthropic", "maxapi", "normalizer", "gateway", "catchup"];

/** How a compose project is started; `down({ removeVolumes: true })` on what it returns removes it. */
export interface StartOptions {
  /** Values for the compose files' variables (`${…}`). */
  env?: Record<string, string>;
  /** The services whose container must be healthy before the tests start (startStack: all that run long, when left out). */
  healthy?: string[] | undefined;
  /** What to wait for instead in a service that is not to become healthy (a log line). */
  waits?: Record<string, WaitStrategy>;
  /** Only these services (and what they depend on) start; all of them when left out. */
  services?: string[];
}

/**
 * Wait.forHealthCheck(), and when it fails an error that names the service and carries its last
 * checks and log lines: testcontainers removes the project right after.
 */
function healthyOrSayWhy(service: string): WaitStrategy {
  const inner = Wait.forHealthCheck();
  const strategy: WaitStrategy = {
    async waitUntilReady(container, ...rest) {
      try {
        await inner.waitUntilReady(container, ...rest);
      } catch (error) {
        throw new Error(`${service}: ${(error as Error).message}\n${healthReport(container.id)}`, { cause: error });
      }
    },
    withStartupTimeout(ms) {
      inner.withStartupTimeout(ms);
      return strategy;
    },
    isStartupTimeoutSet: () => inner.isStartupTimeoutSet(),
    getStartupTimeout: () => inner.getStartupTimeout(),
  };
  return strategy;
}

/** Builds the project's images and starts it, then waits as `options` say. */
function start(
  project: DockerComposeEnvironment,
  { env = {}, healthy = [], waits = {}, services }: StartOptions,
): Promise<StartedDockerComposeEnvironment> {
  project.withEnvironment(env).withBuild();
  for (const service of healthy) project.withWaitStrategy(`${service}-1`, healthyOrSayWhy(service));
  for (const [service, wait] of Object.entries(waits)) project.withWaitStrategy(`${service}-1`, wait);
  return project.up(services);
}

/**
 * Builds and starts the product's stack as `project`. Every long-running service must become
 * healthy unless `healthy` names the ones this mode runs (setup-token mode: the mock and the gateway).
 */
export function startStack(
  project: string,
  { healthy = ALL_SERVICES, ...options }: StartOptions = {},
): Promise<StartedDockerComposeEnvironment> {
  return start(new DockerComposeEnvironment(ROOT, FILES).withProjectName(project).withEnvironmentFile(ENV_FILE), {
    healthy,
    ...options,
  });
}

/** Builds and starts a test's own compose file (test/containers/<file>), under a project name testcontainers makes up. */
export function startCompose(file: string, options: StartOptions = {}): Promise<StartedDockerComposeEnvironment> {
  return start(new DockerComposeEnvironment(TEST_COMPOSE_DIR, file), options);
}
