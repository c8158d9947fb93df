// OpenClaw 2026.9.6's own reading of a provider's error, run inside the gateway's container: the
// functions that decide whether a 429 is a long-window limit (no same-model retries), which failover
// reason an error is (rate_limit, billing, context_overflow, ...), how many tokens an overflow names,
// and the text the user is shown. They are not in the package's exports map, and its dist chunks
// export them under short aliases that change between builds, so the script finds each chunk by its
// file name's prefix and maps the aliases through the chunk's export list.
import { spawnSync } from "node:child_process";

/** An HTTP error as maxapi sends it: OpenClaw sees "<status> <message>" and, with Retry-After, "; Retry-After: N seconds". */
export interface ProviderError {
  status: number;
  type: string;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface OpenClawReading {
  /** The failover reason: rate_limit, billing, context_overflow, format, ... */
  reason: string | null;
  /** Whether the text reads as a long-window limit (ends same-model retries). */
  longWindow: boolean;
  overflowTokens: number | null;
  userText: string;
}

const SCRIPT = `
import { readdirSync, readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const dist = join(execSync("npm root -g").toString().trim(), "openclaw", "dist");
async function pick(prefix, names) {
  for (const file of readdirSync(dist).filter((f) => f.startsWith(prefix) && f.endsWith(".mjs"))) {
    const exported = /export \\{([^}]*)\\};?\\s*$/.exec(readFileSync(join(dist, file), "utf8"));
    if (!exported) continue;
    const alias = Object.fromEntries(exported[1].split(",").map((s) => s.trim().split(/\\s+as\\s+/)).map(([name, as]) => [name, as ?? name]));
    if (!names.every((name) => alias[name])) continue;
    const module = await import(pathToFileURL(join(dist, file)).href);
    return Object.fromEntries(names.map((name) => [name, module[alias[name]]]));
  }
  throw new Error("no chunk " + prefix + "* exports " + names.join(", "));
}
const { hasLongWindowRateLimitEvidence } = await pick("retry-evidence-", ["hasLongWindowRateLimitEvidence"]);
const { classifyAssistantFailoverReason } = await pick("assistant-message-failures-", ["classifyAssistantFailoverReason"]);
const { extractObservedOverflowTokenCount, formatUserFacingAssistantErrorText } = await pick("embedded-agent-helpers-", ["extractObservedOverflowTokenCount", "formatUserFacingAssistantErrorText"]);
const readings = JSON.parse(process.env.PROVIDER_ERRORS).map((e) => {
  const errorMessage = e.status + " " + e.message + (e.retryAfterSeconds ? "; Retry-After: " + e.retryAfterSeconds + " seconds" : "");
  const assistant = { stopReason: "error", errorMessage, errorCode: e.code, errorType: e.type, provider: "claude-max-proxy", model: "claude-opus-4", content: [] };
  return {
    reason: classifyAssistantFailoverReason(assistant) ?? null,
    longWindow: hasLongWindowRateLimitEvidence(errorMessage),
    overflowTokens: extractObservedOverflowTokenCount(errorMessage) ?? null,
    userText: formatUserFacingAssistantErrorText(assistant, { provider: "claude-max-proxy", model: "claude-opus-4" }),
  };
});
process.stdout.write(JSON.stringify(readings));
`;

/** How the OpenClaw in `container` reads each error. */
export function openclawReads(container: string, errors: ProviderError[]): OpenClawReading[] {
  const result = spawnSync(
    "docker",
    ["exec", "-e", `PROVIDER_ERRORS=${JSON.stringify(errors)}`, container, "node", "--input-type=module", "-e", SCRIPT],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0)
    throw new Error(`OpenClaw's classifier could not be run: ${result.stderr || String(result.error)}`);
  return JSON.parse(result.stdout) as OpenClawReading[];
}
