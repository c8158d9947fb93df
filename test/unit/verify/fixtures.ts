// Real outputs captured from a running stack (test/fixtures/verify/<scenario>/, see its README) and
// helpers to feed them to verify's decisions.
import { readFileSync } from "node:fs";
import { composeCommands } from "../../../services/verify/src/commands.ts";
import type { RunResult } from "../../../services/verify/src/compose.ts";
import { parseJsonOutput } from "../../../services/verify/src/json.ts";
import { parsePs, type Container } from "../../../services/verify/src/services.ts";
import { parseStack, type Stack } from "../../../services/verify/src/stack.ts";

export const DC = composeCommands("docker compose");

export const fixture = (path: string): string =>
  readFileSync(new URL(`../../fixtures/verify/${path}`, import.meta.url), "utf8");

/** A finished command's result with this output. */
export const result = (stdout: string, code = 0, stderr = ""): RunResult => ({
  code,
  stdout,
  stderr,
  timedOut: false,
  error: "",
});

export const stackOf = (scenario: string): Stack =>
  parseStack(parseJsonOutput(fixture(`${scenario}/compose-config.json`)));
export const containersOf = (scenario: string): Container[] => parsePs(fixture(`${scenario}/compose-ps.jsonl`));

/** A stack with some variables of one service's environment replaced. */
export function withEnv(stack: Stack, service: string, env: Record<string, string>): Stack {
  return { ...stack, env: { ...stack.env, [service]: { ...stack.env[service], ...env } } };
}
