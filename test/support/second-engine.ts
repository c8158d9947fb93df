// A second Docker engine on this machine, standing in for another machine in multi-host tests:
// dockerd in a network namespace of its own, joined to this host by one veth pair
// (HOST_ADDRESS ↔ ADDRESS) and nothing else, so everything it runs can reach this host and no other.
// `ip netns exec` would remount /sys and hide the cgroup mounts, so dockerd enters only the network
// namespace (nsenter --net). Needs root, as the engine itself does.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { until } from "./until.ts";

const NETNS = "clawbridge-node2";
const HOST_VETH = "cb-node2-host";
const NODE_VETH = "cb-node2";
const DATA = "/var/lib/clawbridge-node2";
const RUN = "/run/clawbridge-node2";

export const HOST_ADDRESS = "10.213.7.1";
export const ADDRESS = "10.213.7.2";
export const DOCKER_HOST = `unix://${RUN}/docker.sock`;

const sh = (command: string, ...args: string[]) =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const attempt = (command: string, ...args: string[]) => {
  try {
    sh(command, ...args);
  } catch {
    // already gone
  }
};

/** The docker CLI against the second engine. */
export const docker2 = (...args: string[]) =>
  execFileSync("docker", ["-H", DOCKER_HOST, ...args], { encoding: "utf8", maxBuffer: 64 << 20 }).trim();

/** Starts the engine (removing what an interrupted run left) and waits until it answers. */
export async function startSecondEngine(): Promise<void> {
  await stopSecondEngine();
  sh("ip", "netns", "add", NETNS);
  sh("ip", "link", "add", HOST_VETH, "type", "veth", "peer", "name", NODE_VETH);
  sh("ip", "link", "set", NODE_VETH, "netns", NETNS);
  sh("ip", "addr", "add", `${HOST_ADDRESS}/24`, "dev", HOST_VETH);
  sh("ip", "link", "set", HOST_VETH, "up");
  for (const args of [
    ["addr", "add", `${ADDRESS}/24`, "dev", NODE_VETH],
    ["link", "set", NODE_VETH, "up"],
    ["link", "set", "lo", "up"],
  ]) {
    sh("ip", "netns", "exec", NETNS, "ip", ...args);
  }
  const dockerd = spawn(
    "nsenter",
    [
      `--net=/var/run/netns/${NETNS}`,
      "dockerd",
      "--data-root",
      `${DATA}/docker`,
      "--exec-root",
      `${RUN}/exec`,
      "--pidfile",
      `${RUN}/docker.pid`,
      "-H",
      DOCKER_HOST,
    ],
    { detached: true, stdio: "ignore" },
  );
  dockerd.unref();
  const answers = () => {
    try {
      docker2("info", "--format", "{{.ServerVersion}}");
      return true;
    } catch {
      return false;
    }
  };
  await until("the second engine to answer (30 s)", answers, 120, 250);
}

/** Stops the engine and removes its namespace, link and data. */
export async function stopSecondEngine(): Promise<void> {
  const pidfile = `${RUN}/docker.pid`;
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, "utf8"));
    const gone = () => {
      try {
        process.kill(pid, 0); // throws once it is gone
        return false;
      } catch {
        return true;
      }
    };
    try {
      process.kill(pid, "SIGTERM");
      await until("the second engine to exit (30 s)", gone, 120, 250).catch(() => process.kill(pid, "SIGKILL"));
    } catch {
      // exited
    }
  }
  // dockerd shares this host's mount namespace: what it mounted (its data root, namespaces of its
  // networks) outlives it; deepest first
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => [RUN, DATA].some((dir) => point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) attempt("umount", "-l", point);
  attempt("ip", "link", "del", HOST_VETH);
  attempt("ip", "netns", "del", NETNS);
  for (const dir of [RUN, DATA]) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      console.warn(`second engine: could not remove ${dir}: ${(error as Error).message}`); // a mount still busy: the next start retries
    }
  }
}

/** Copies images from this machine's engine to the second one (no registry needed). */
export function copyImages(images: string[]): void {
  execFileSync("sh", ["-c", `docker save ${images.join(" ")} | docker -H ${DOCKER_HOST} load`], { stdio: "ignore" });
}
