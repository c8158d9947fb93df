// The product's compose stack as the end-to-end tests run it: docker-compose.yml as shipped, plus
// test/containers/stack.override.yml (mock Anthropic API, loopback-only ports, no route out) and
// test/containers/stack.env (fake secrets). Each test project gets its own name, so volumes and
// networks never mix with a user's stack or another test's.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment, type WaitStrategy } from "testcontainers";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FILES = ["docker-compose.yml", "test/containers/stack.override.yml"];
const ENV_FILE = `${ROOT}test/containers/stack.env`;

/** The settings in stack.env (the tests look for its secrets in logs). */
export const stackEnv: Readonly<Record<string, string>> = Object.fromEntries(
  readFileSync(ENV_FILE, "utf8")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

/** `docker compose` with the project's files, as one command line (the COMPOSE variable of `make verify`). */
export const composeCommand = (project: string): string[] => [
  "docker",
  "compose",
  "-p",
  project,
  ...FILES.flatMap((file) => ["-f", `${ROOT}${file}`]),
  "--env-file",
  ENV_FILE,
];

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker compose …` for the project; never throws on a non-zero exit. */
export async function compose(project: string, args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<CommandResult> {
  const [command = "docker", ...base] = composeCommand(project);
  return run(command, [...base, ...args], env, timeoutMs);
}

/** Runs a command from the repository root; never throws on a non-zero exit. */
export function run(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<CommandResult> {
  return promisify(execFile)(command, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 }).then(
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

/**
 * Builds and starts the stack, and waits for every long-running service to be healthy; `services`:
 * the ones this mode runs (setup-token mode: the mock and the gateway). `waits`: what to wait for
 * instead in a service that is not to become healthy.
 */
export function startStack(
  project: string,
  env: Record<string, string> = {},
  services = ALL_SERVICES,
  waits: Record<string, WaitStrategy> = {},
): Promise<StartedDockerComposeEnvironment> {
  const stack = new DockerComposeEnvironment(ROOT, FILES)
    .withProjectName(project)
    .withEnvironmentFile(ENV_FILE)
    .withEnvironment(env)
    .withBuild();
  for (const service of services) stack.withWaitStrategy(`${service}-1`, Wait.forHealthCheck());
  for (const [service, wait] of Object.entries(waits)) stack.withWaitStrategy(`${service}-1`, wait);
  return stack.up();
}
