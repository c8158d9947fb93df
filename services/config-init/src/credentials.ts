// setup-token mode: the token goes into OpenClaw's credential store for every agent, once per
// token. A SHA-256 of the stored token (never the token) in the state volume tells a re-run with
// the same token that there is nothing to do.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pasteSetupToken } from "./openclaw-cli.ts";

const markerPath = (stateDir: string) => join(stateDir, "clawbridge", "setup-token.sha256");

/** Stores the token for each agent unless this exact token is already stored; true when it stored. */
export async function storeSetupToken(
  stateDir: string,
  agentIds: readonly string[],
  token: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const digest = `${createHash("sha256").update(token).digest("hex")} ${agentIds.join(",")}\n`;
  const stored = await readFile(markerPath(stateDir), "utf8").catch(() => undefined);
  if (stored === digest) return false;
  for (const agentId of agentIds) await pasteSetupToken(agentId, token, env);
  await mkdir(join(stateDir, "clawbridge"), { recursive: true, mode: 0o700 });
  await writeFile(markerPath(stateDir), digest, { mode: 0o600 });
  return true;
}
