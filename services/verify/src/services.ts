// Checks 1 and 2: a running, healthy container for every selected service; config-init exited 0.
// Decided from `docker compose ps --all --format json` (and config-init's log on failure).
import type { Commands } from "./commands.ts";
import { asArray, asNumber, asRecord, asString, clip, isRecord, parseJsonOutput, stripAnsi } from "./json.ts";
import { fail, ok, type Row } from "./row.ts";
import { CONFIG_INIT } from "./stack.ts";

export interface Container {
  service: string;
  name: string;
  /** running, exited, restarting, created, paused, dead */
  state: string;
  /** healthy, unhealthy, starting, or "" without a healthcheck */
  health: string;
  exitCode: number;
  oneOff: boolean;
  /** A Swarm task on another node: running, its health seen only there. */
  elsewhere?: boolean;
}

/** `docker compose ps --all --format json`: one JSON object per line (compose 2.21+) or one array. */
export function parsePs(output: string): Container[] {
  const text = stripAnsi(output).trim();
  if (text === "") return [];
  const items = text.startsWith("[")
    ? parseJsonOutput(text)
    : text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as unknown);
  if (!Array.isArray(items)) throw new Error("docker compose ps printed no list");
  return items.filter(isRecord).map((item) => ({
    service: asString(item.Service),
    name: asString(item.Name),
    state: asString(item.State).toLowerCase(),
    health: asString(item.Health).toLowerCase(),
    exitCode: asNumber(item.ExitCode) ?? 0,
    oneOff: /com\.docker\.compose\.oneoff=True/.test(asString(item.Labels)),
  }));
}

// What usually makes each service unhealthy, for the fix column.
const HINTS: Record<string, string> = {
  maxapi: "usually no Claude login: set CLAUDE_SETUP_TOKEN in .env or run `make login`",
  gateway: "the log says why; OpenClaw needs up to a minute to start",
  catchup:
    "healthy once it reads the gateway's cron jobs; its log says why not (the gateway down, or its token differs)",
};

function serviceRow(service: string, containers: Container[], dc: Commands, configInitFailed: boolean): Row {
  const check = `service ${service}`;
  const logs = dc.logs(service, 50);
  const hint = HINTS[service] ? ` (${HINTS[service]})` : "";
  const mine = containers.filter((c) => c.service === service && !c.oneOff);
  if (mine.length === 0) return fail(check, "no container: not started", dc.up(service));
  const down = mine.find((c) => c.state !== "running");
  if (down?.state === "created" && configInitFailed)
    return fail(
      check,
      "created, not started: it waits for config-init",
      `fix config-init first (see its row), then ${dc.up()}`,
    );
  if (down) {
    const detail =
      down.state === "exited" || down.state === "dead"
        ? `${down.state} (exit code ${down.exitCode}), not running`
        : `${down.state || "unknown state"}, not running`;
    return fail(check, detail, `${dc.up(service)}; if it stops again: ${logs}`);
  }
  const unhealthy = mine.find((c) => c.health === "unhealthy");
  if (unhealthy) return fail(check, "running but unhealthy", `${logs}${hint}; then ${dc.restart(service)}`);
  if (mine.some((c) => c.health === "starting"))
    return fail(
      check,
      "running, health check not passed yet",
      `wait until \`${dc.ps()}\` shows it healthy, then run make verify again; ${logs}`,
    );
  if (mine.every((c) => c.elsewhere))
    return ok(check, `running on another node (${mine.map((c) => c.name).join(", ")}); its health shows there`);
  const count = mine.length > 1 ? `${mine.length} containers, ` : "";
  return ok(
    check,
    mine.every((c) => c.health === "healthy") ? `${count}running, healthy` : `${count}running (no healthcheck)`,
  );
}

/** One row per selected long-running service. */
export function serviceRows(services: readonly string[], containers: Container[], dc: Commands): Row[] {
  const init = containers.find((c) => c.service === CONFIG_INIT && !c.oneOff);
  const configInitFailed = init !== undefined && init.state === "exited" && init.exitCode !== 0;
  return services.map((service) => serviceRow(service, containers, dc, configInitFailed));
}

/** What config-init logged as its reason to stop: its last error line (pino JSON), problems first. */
export function configInitProblem(logs: string): string {
  let problem = "";
  for (const line of stripAnsi(logs).split("\n")) {
    const start = line.indexOf("{");
    if (start < 0) continue;
    try {
      const entry = asRecord(JSON.parse(line.slice(start)));
      if ((asNumber(entry.level) ?? 0) < 50) continue;
      const problems = asArray(entry.problems).map(asString).filter(Boolean);
      problem = problems.length > 0 ? problems.join("; ") : asString(entry.msg);
    } catch {
      // not a log line of ours
    }
  }
  return problem;
}

/** config-init (a one-shot) ran and exited 0. `logs`: its log, read when it failed. */
export function configInitRow(containers: Container[], logs: string, dc: Commands): Row {
  const check = CONFIG_INIT;
  const container = containers.find((c) => c.service === CONFIG_INIT && !c.oneOff);
  const rerun = dc.up();
  if (!container) return fail(check, "has not run", rerun);
  if (container.state === "running")
    return fail(check, "still running", `wait a few seconds and run make verify again; ${dc.logs(CONFIG_INIT)}`);
  if (container.state !== "exited")
    return fail(check, `${container.state}, never completed`, `${rerun}; ${dc.logs(CONFIG_INIT)}`);
  if (container.exitCode === 0) return ok(check, "exited 0 (openclaw.json rendered and validated)");
  const problem = configInitProblem(logs);
  return fail(
    check,
    `exited ${container.exitCode}${problem ? `: ${clip(problem, 300)}` : ""}`,
    `${dc.logs(CONFIG_INIT)} (usually a bad variable in .env: correct it, then ${rerun})`,
  );
}
