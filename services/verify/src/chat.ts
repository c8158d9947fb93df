// Check 4: one chat completion through the normalizer, sent from inside a container the way the
// gateway sends it: the URL from openclaw.json's claude-max-proxy provider (else the URL given as
// argument; a model id as the third, else CHAT_PROBE_MODEL), the key from the container's PROXY_API_KEY. The probe script prints one JSON line
// (ChatProbeResult) and never the key; it is plain JavaScript for the container's Node. It offers one
// tool, as every OpenClaw turn does, so a broken tool path (the stub MCP server, the CLI's tool flags)
// fails here too; the model is told not to call it, and a call would count as an answer.
import type { Commands } from "./commands.ts";
import { modelCallFix } from "./agents.ts";
import { runFailure, type RunResult } from "./compose.ts";
import { asNumber, asRecord, asString, clip, parseJsonOutput } from "./json.ts";
import { fail, ok, type Row } from "./row.ts";
import type { AuthMode } from "./stack.ts";

/** What the probe prints. `status` 0: no HTTP answer (`error` says why). */
export interface ChatProbeResult {
  url: string;
  status: number;
  model: string;
  text: string;
  errorType: string;
  errorCode: string;
  error: string;
  /** Tool calls in the answer (the offered tool called anyway). */
  toolCalls: number;
  ms: number;
}

// the Haiku family: the answer names the model that ran (claude-haiku-5-5 on the CLI 2.1.330)
export const CHAT_PROBE_MODEL = "haiku";

export const CHAT_PROBE_SCRIPT = `
const fs = require("node:fs");
let url = process.argv[1] || "";
try {
  const config = JSON.parse(fs.readFileSync((process.env.HOME || "/home/node") + "/.openclaw/openclaw.json", "utf8"));
  url = config.models.providers["claude-max-proxy"].baseUrl || url;
} catch {}
// the gateway's key: its variable, or on Swarm the secret file it names
let key = process.env.PROXY_API_KEY || "";
try { if (!key && process.env.PROXY_API_KEY_FILE) key = fs.readFileSync(process.env.PROXY_API_KEY_FILE, "utf8").trim(); } catch {}
const started = Date.now();
const out = (fields) => console.log(JSON.stringify({ url, status: 0, model: "", text: "", errorType: "", errorCode: "", error: "", toolCalls: 0, ms: Date.now() - started, ...fields }));
const tool = { type: "function", function: { name: "clawbridge_verify", description: "Never call this tool: it is offered only to check that tools reach the model.", parameters: { type: "object", properties: {} } } };
fetch(url.replace(/\\/+$/, "") + "/chat/completions", {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer " + key },
  body: JSON.stringify({ model: process.argv[3] || ${JSON.stringify(CHAT_PROBE_MODEL)}, messages: [{ role: "user", content: "Reply with the single word OK." }], tools: [tool] }),
  signal: AbortSignal.timeout(Number(process.argv[2]) || 25000),
})
  .then(async (response) => {
    const body = await response.text();
    let json = {};
    try { json = JSON.parse(body); } catch { json = { error: { message: body.slice(0, 300) } }; }
    const error = json.error || {};
    const message = (json.choices && json.choices[0] && json.choices[0].message) || {};
    out({
      toolCalls: Array.isArray(message.tool_calls) ? message.tool_calls.length : 0,
      status: response.status,
      model: String(json.model || ""),
      text: String((json.choices && json.choices[0] && json.choices[0].message && json.choices[0].message.content) || "").slice(0, 300),
      errorType: String(error.type || ""),
      errorCode: String(error.code || ""),
      error: String(error.message || (typeof json.error === "string" ? json.error : "")).slice(0, 300),
    });
  })
  .catch((e) => out({ error: String((e && e.cause && (e.cause.code || e.cause.message)) || (e && e.name === "TimeoutError" ? "no answer in time" : e && e.message) || e) }));
`;

export const CHAT_TIMEOUT_MS = 30_000;

export function parseProbe(output: string): ChatProbeResult {
  const probe = asRecord(parseJsonOutput(output));
  return {
    url: asString(probe.url),
    status: asNumber(probe.status) ?? 0,
    model: asString(probe.model),
    text: asString(probe.text),
    errorType: asString(probe.errorType),
    errorCode: asString(probe.errorCode),
    error: asString(probe.error),
    toolCalls: asNumber(probe.toolCalls) ?? 0,
    ms: asNumber(probe.ms) ?? 0,
  };
}

/** The probe's answer: HTTP 200 with text, else what failed and where to look. */
export function chatRow(result: RunResult, mode: AuthMode, dc: Commands): Row {
  const check = "chat completion";
  if (result.timedOut)
    return fail(check, `no answer within ${CHAT_TIMEOUT_MS / 1000} s`, dc.logs("normalizer maxapi", 50));
  let probe: ChatProbeResult;
  try {
    probe = parseProbe(result.stdout);
  } catch {
    return fail(check, runFailure(result, CHAT_TIMEOUT_MS), dc.logs("gateway", 50));
  }
  const via = `via ${probe.url}`;
  if (probe.status === 200 && (probe.text.trim() !== "" || probe.toolCalls > 0)) {
    const answer = probe.text.trim() !== "" ? `"${clip(probe.text, 60)}"` : `with a call of the offered tool`;
    return ok(
      check,
      `answered ${answer} in ${probe.ms} ms, a tool offered (${probe.model || CHAT_PROBE_MODEL} ${via})`,
    );
  }
  const error = clip(probe.error, 240);
  if (probe.status === 0) {
    return fail(
      check,
      `the normalizer is unreachable ${via}: ${error}`,
      `check NORMALIZER_URL in .env and that the normalizer runs: ${dc.ps("normalizer")}`,
    );
  }
  const detail = `HTTP ${probe.status}${probe.errorCode ? ` ${probe.errorCode}` : ""}${error ? `: ${error}` : ""} (${via})`;
  if (probe.status === 200) return fail(check, `HTTP 200 but no text (${via})`, dc.logs("normalizer maxapi", 50));
  if (probe.status === 400 && /tool/i.test(`${probe.errorCode} ${probe.error}`)) {
    return fail(
      check,
      `tools are refused: ${detail}`,
      `the normalizer and maxapi images must match: ${dc.rebuild("normalizer maxapi")}`,
    );
  }
  if (probe.errorCode === "invalid_api_key") {
    return fail(
      check,
      `the normalizer refused the gateway's PROXY_API_KEY (${via})`,
      `give both the same PROXY_API_KEY (.env), then ${dc.recreate("normalizer gateway")}`,
    );
  }
  if (probe.status >= 500 && probe.status !== 504) return fail(check, detail, dc.logs("normalizer maxapi", 50));
  return fail(check, detail, modelCallFix(`${probe.status} ${probe.errorType} ${probe.error}`, mode, dc));
}
