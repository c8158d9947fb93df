// Runs a Claude Code CLI binary the way maxapi runs it (print mode, stream-json out with partial
// messages, no session, no built-in tools), against its own in-process mock Anthropic API in a fresh
// config directory, and gives back what it printed and which model ids reached the mock.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ApiError } from "@clawbridge/openai";
import { clientTools } from "../../services/maxapi/src/tools/client-tools.ts";
import { MockAnthropicApi, type Mode, type ModeOptions } from "../support/mock-anthropic-api.ts";

/** As long as a real setup token (108 characters); the mock takes any. */
const TOKEN = `sk-ant-oat01-${"x".repeat(95)}`;
/** A run still going after this long is killed: no scenario takes more than a few seconds. */
const RUN_TIMEOUT_MS = 30_000;

export interface RunSetup {
  mode: Mode;
  options?: ModeOptions;
  /** `--model` (default sonnet). */
  model?: string;
  /** The credential the CLI has: the OAuth token maxapi gives it, an API key, or none at all. */
  login?: "oauth" | "api-key" | "none";
  /** CLAUDE_CODE_MAX_RETRIES (default 1: each error's retry is seen once, and quickly). */
  retries?: number;
  /** Client tools through maxapi's stub MCP server (exec with a command, ls without arguments). */
  tools?: boolean;
}

export interface RunOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The `model` of each request to /v1/messages, in order. */
  models: string[];
}

const TOOLS = [
  {
    type: "function" as const,
    function: {
      name: "exec",
      description: "Run a shell command",
      parameters: { type: "object" as const, properties: { command: { type: "string" } }, required: ["command"] },
    },
  },
  {
    type: "function" as const,
    function: { name: "ls", description: "List files", parameters: { type: "object" as const, properties: {} } },
  },
];

/** Runs `claude` (a path) once as `setup` says, with "hello" on stdin. */
export async function runCli(claude: string, setup: RunSetup): Promise<RunOutput> {
  const mock = await new MockAnthropicApi().start();
  const dir = mkdtempSync(join(tmpdir(), "cli-contract-"));
  const tools = setup.tools ? clientTools({ tools: TOOLS }) : undefined;
  try {
    if (tools instanceof ApiError) throw new Error(`clientTools refused the contract's tools: ${tools.message}`);
    mock.setMode(setup.mode, setup.options);
    const login = setup.login ?? "oauth";
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      CLAUDE_CONFIG_DIR: dir,
      ANTHROPIC_BASE_URL: mock.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      CLAUDE_CODE_MAX_RETRIES: String(setup.retries ?? 1),
      ...(login === "oauth" ? { CLAUDE_CODE_OAUTH_TOKEN: TOKEN } : {}),
      ...(login === "api-key" ? { ANTHROPIC_API_KEY: "sk-ant-api03-contract-check" } : {}),
      ...tools?.flags.env,
    };
    const args = ["--print", "--output-format", "stream-json", "--verbose", "--include-partial-messages"];
    args.push(
      "--model",
      setup.model ?? "sonnet",
      "--no-session-persistence",
      "--tools",
      "",
      ...(tools?.flags.args ?? []),
    );
    const child = spawn(resolve(claude), args, { cwd: dir, env }); // the CLI runs in the config dir
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdin.on("error", () => {}); // a CLI that exits before reading its input
    child.stdin.end("hello");
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, RUN_TIMEOUT_MS);
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    const models = mock.requests.flatMap((request) => {
      const body = request.body as { model?: unknown } | undefined;
      return request.path.startsWith("/v1/messages") &&
        !request.path.includes("count_tokens") &&
        typeof body?.model === "string"
        ? [body.model]
        : [];
    });
    return { stdout, stderr, code, signal, timedOut, models };
  } finally {
    if (tools && !(tools instanceof ApiError)) tools.dispose();
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `claude --version`'s number ("2.1.330"), or what went wrong when there is none. */
export async function cliVersion(claude: string): Promise<string> {
  const child = spawn(resolve(claude), ["--version"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DISABLE_AUTOUPDATER: "1" },
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  try {
    await once(child, "close");
  } catch (error) {
    return `(${(error as Error).message})`; // no such binary
  }
  return /^(\d+\.\d+\.\d+)/.exec(out.trim())?.[1] ?? `(${out.trim()})`;
}

/** Runs `task` over `items`, at most `limit` at once, keeping their order. */
export async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
