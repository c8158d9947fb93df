// Helpers for container tests: the docker CLI, and processes inside a container found through
// /proc (slim images have no ps, pgrep or kill; node is always there).
import { execFileSync, spawnSync } from "node:child_process";
import { until } from "./until.ts";

export const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

/** PIDs, ascending, of the container's processes whose command line contains `pattern` (not PID 1, not this probe). */
export function pidsIn(containerId: string, pattern: string): number[] {
  const script =
    `const fs=require("fs");console.log(fs.readdirSync("/proc").filter(p=>/^\\d+$/.test(p)&&p!=="1"&&Number(p)!==process.pid)` +
    `.filter(p=>{try{return fs.readFileSync("/proc/"+p+"/cmdline","utf8").split("\\0").join(" ").includes(${JSON.stringify(pattern)})}catch{return false}}).join(" "))`;
  const out = docker("exec", containerId, "node", "-e", script);
  return out
    ? out
        .split(" ")
        .map(Number)
        .sort((a, b) => a - b)
    : [];
}

/** The environment of a process in the container, one VAR=value per line. */
export function environOf(containerId: string, pid: number): string {
  return docker(
    "exec",
    containerId,
    "node",
    "-e",
    `process.stdout.write(require("fs").readFileSync("/proc/${pid}/environ","utf8").split("\\0").join("\\n"))`,
  );
}

/**
 * SIGKILLs (or `signal`s) the processes. One that has exited since it was listed (ESRCH) is skipped:
 * it is gone, as asked. Killing the main process can stop the container before `docker exec` returns:
 * allow that with `containerMayExit`.
 */
export function killIn(
  containerId: string,
  pids: number[],
  options: { containerMayExit?: boolean; signal?: NodeJS.Signals } = {},
): void {
  const script =
    `for (const pid of ${JSON.stringify(pids)}) try { process.kill(pid, ${JSON.stringify(options.signal ?? "SIGKILL")}) }` +
    ` catch (e) { if (e.code !== "ESRCH") throw e }`;
  try {
    docker("exec", containerId, "node", "-e", script);
  } catch (error) {
    if (!options.containerMayExit) throw error;
  }
}

/** A container's last healthchecks and log lines, for the reader of a failure. */
export function healthReport(containerId: string): string {
  const checks = spawnSync("docker", ["inspect", "--format", "{{json .State.Health}}", containerId], {
    encoding: "utf8",
  });
  const logs = spawnSync("docker", ["logs", "--tail", "30", containerId], { encoding: "utf8" });
  return `last checks: ${checks.stdout.slice(-1500)}\nlast log lines:\n${(logs.stdout + logs.stderr).slice(-3000)}`;
}

/**
 * Waits for the container's own healthcheck to decide: healthy returns; unhealthy throws with the
 * last checks and log lines. A started container is decided within its start period plus its retries
 * (the gateway's: 120 s + 3 × 10 s); `limitS` is the wall-clock bound if the engine never decides.
 */
export async function untilHealthy(containerId: string, limitS = 240): Promise<void> {
  let last = "";
  const decided = () => {
    last = docker(
      "inspect",
      "--format",
      "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
      containerId,
    );
    return /( healthy| unhealthy)$/.test(last);
  };
  await until(`${containerId.slice(0, 12)} healthy`, decided, limitS, 1000).catch(() => undefined);
  if (last.endsWith(" healthy")) return;
  throw new Error(
    `${containerId.slice(0, 12)} not healthy (${last || "no state"}) after up to ${limitS} s\n${healthReport(containerId)}`,
  );
}
