// What clawbridge adds to claude-max-api, registered where the package's patched code looks for it
// (patches/…006… to …009…): the package stays the server and the CLI runner; new behaviour lives here.
//   cliInput(body)     the conversation as the CLI's stdin, images as image blocks (input/cli-input.ts)
//   clientTools(body)  the request's tools for the CLI (tools/client-tools.ts), or undefined
//   explainAuthError   a CLI auth error in plain words, with the fix (cli-auth.ts; patch 008)
//   maxBodyBytes       the largest request body the server parses
//   spawnCli           starts a request's CLI: a warm process when one fits (warm/pool.ts; patch 009)
//   routes(app)        GET /metrics: the warm pool's counters (warm/metrics.ts; patch 009)
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { explainAuthError } from "./cli-auth.ts";
import { cliInput } from "./input/cli-input.ts";
import { clientTools } from "./tools/client-tools.ts";
import { holdToolsFilesIn, sweepToolsDirs } from "./tools/tool-files.ts";
import { metricsRoute } from "./warm/metrics.ts";
import { WarmPool } from "./warm/pool.ts";

export const HOOKS_KEY = Symbol.for("clawbridge.maxapi");

export interface Hooks {
  cliInput: typeof cliInput;
  clientTools: typeof clientTools;
  explainAuthError: typeof explainAuthError;
  maxBodyBytes: number;
  spawnCli: WarmPool["spawnCli"];
  routes: ReturnType<typeof metricsRoute>;
}

interface HookSettings {
  MAX_BODY_BYTES: number;
  WARM_POOL_SIZE: number;
  WARM_IDLE_MS: number;
  MAX_CONCURRENCY: number;
}

/** Registers the hooks; the returned pool is ended on shutdown. */
export function registerHooks(settings: HookSettings, logger: Logger): WarmPool {
  sweepToolsDirs(); // what a killed predecessor left in /tmp
  const pool = new WarmPool({
    size: settings.WARM_POOL_SIZE,
    capacity: settings.MAX_CONCURRENCY,
    idleMs: settings.WARM_IDLE_MS,
    hold: holdToolsFilesIn,
    credentials: loginVersion,
    log: (level, entry, message) => logger[level](entry, message),
  });
  (globalThis as Record<symbol, Hooks>)[HOOKS_KEY] = {
    cliInput,
    clientTools,
    explainAuthError,
    maxBodyBytes: settings.MAX_BODY_BYTES,
    spawnCli: pool.spawnCli,
    routes: metricsRoute(() => pool.stats),
  };
  return pool;
}

/** The login `make login` stored (the CLI rewrites it when it refreshes): its modification time. */
function loginVersion(): string {
  const file = join(process.env.CLAUDE_CONFIG_DIR ?? join(process.env.HOME ?? "", ".claude"), ".credentials.json");
  return String(statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
}
