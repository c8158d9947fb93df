// Check 6: the proxy key, the setup token and the gateway token, judged by prefix and length only.
// Values come from the resolved compose environment; the detail shows them masked (secrets.ts).
import {
  MIN_KEY_LENGTH as MIN_KEY,
  MIN_SETUP_TOKEN_LENGTH as MIN_SETUP_TOKEN,
  SETUP_TOKEN_PREFIX,
} from "@clawbridge/settings";
import type { Commands } from "./commands.ts";
import { runFailure, type RunResult } from "./compose.ts";
import { asRecord, asString, parseJsonOutput } from "./json.ts";
import { fail, ok, skip, type Row } from "./row.ts";
import { mask } from "./secrets.ts";
import { envValue, has, type Stack } from "./stack.ts";

const fromFile = (stack: Stack, service: string, name: string) => envValue(stack, service, `${name}_FILE`) !== "";

function proxyKeyRow(stack: Stack, dc: Commands): Row {
  const check = "PROXY_API_KEY";
  const users = ["gateway", "normalizer"].filter((service) => has(stack, service));
  if (users.length === 0 || (stack.authMode === "setup-token" && !has(stack, "normalizer"))) {
    return skip(
      check,
      `not used here (AUTH_MODE=${stack.authMode}${users.length === 0 ? ", no gateway or normalizer" : ""})`,
    );
  }
  if (users.some((service) => fromFile(stack, service, check)))
    return skip(check, "read from PROXY_API_KEY_FILE (a file, not checked)");
  const set = `set PROXY_API_KEY in .env to ${MIN_KEY}+ random characters (\`openssl rand -hex 24\`), then ${dc.recreate()}`;
  const values = users.map((service) => envValue(stack, service, check));
  const [key = ""] = values;
  if (values.some((value) => value !== key))
    return fail(
      check,
      `${users.join(" and ")} have different keys (${values.map(mask).join(", ")})`,
      `give both the same PROXY_API_KEY, then ${dc.recreate()}`,
    );
  if (key.length < MIN_KEY) return fail(check, `${mask(key)}: shorter than ${MIN_KEY} characters`, set);
  return ok(check, `${mask(key)}, the same for ${users.join(" and ")}`);
}

/** `claude auth status` in maxapi: logged in, and how. */
export function authStatus(result: RunResult): { loggedIn: boolean; detail: string } {
  try {
    const status = asRecord(parseJsonOutput(result.stdout));
    const method = asString(status.authMethod);
    return {
      loggedIn: status.loggedIn === true,
      detail: status.loggedIn === true ? `Claude CLI logged in (${method || "?"})` : "Claude CLI not logged in",
    };
  } catch {
    return { loggedIn: false, detail: `claude auth status: ${runFailure(result)}` };
  }
}

function tokenProblem(token: string): string {
  if (!token.startsWith(SETUP_TOKEN_PREFIX))
    return `${mask(token)}: does not start with ${SETUP_TOKEN_PREFIX} (what \`claude setup-token\` prints)`;
  if (token.length < MIN_SETUP_TOKEN) return `${mask(token)}: shorter than ${MIN_SETUP_TOKEN} characters`;
  return "";
}

/** `auth`: `claude auth status` run in maxapi; undefined when maxapi is not running (or not here). */
function setupTokenRow(stack: Stack, auth: RunResult | undefined, dc: Commands): Row {
  const check = "CLAUDE_SETUP_TOKEN";
  const newToken = "run `claude setup-token`, set CLAUDE_SETUP_TOKEN in .env to what it prints";
  if (stack.authMode === "setup-token" && stack.configInit) {
    if (fromFile(stack, "config-init", check))
      return skip(check, "read from CLAUDE_SETUP_TOKEN_FILE (a file, not checked)");
    const token = envValue(stack, "config-init", check);
    const refresh = `${newToken}, then ${dc.recreate("config-init gateway")}`;
    if (token === "") return fail(check, "empty: required with AUTH_MODE=setup-token", refresh);
    const problem = tokenProblem(token);
    return problem
      ? fail(check, problem, refresh)
      : ok(check, `${mask(token)} (AUTH_MODE=setup-token: the gateway's credential)`);
  }
  if (!has(stack, "maxapi")) return skip(check, "used by maxapi, which does not run here");
  if (fromFile(stack, "maxapi", "CLAUDE_CODE_OAUTH_TOKEN"))
    return skip(check, "read from CLAUDE_CODE_OAUTH_TOKEN_FILE (a file, not checked)");
  const token = envValue(stack, "maxapi", "CLAUDE_CODE_OAUTH_TOKEN");
  const status = auth ? authStatus(auth) : undefined;
  const login = `${newToken} and ${dc.up()}, or run \`make login\``;
  if (token !== "") {
    const problem = tokenProblem(token);
    if (problem) return fail(check, problem, `${newToken}, then ${dc.up()}`);
    if (status && !status.loggedIn)
      return fail(check, `${mask(token)}, but ${status.detail}`, `${login}; see ${dc.logs("maxapi", 50)}`);
    return ok(check, `${mask(token)}${status ? `; ${status.detail}` : " (login not checked: maxapi is not running)"}`);
  }
  if (!status) return skip(check, "empty, and maxapi is not running to ask its CLI for a login");
  return status.loggedIn
    ? ok(check, `empty: ${status.detail} (make login)`)
    : fail(check, `empty and ${status.detail}`, login);
}

function gatewayTokenRow(stack: Stack, dc: Commands): Row {
  const check = "OPENCLAW_GATEWAY_TOKEN";
  if (!has(stack, "gateway")) return skip(check, "no gateway here");
  if (fromFile(stack, "gateway", check))
    return skip(check, "read from OPENCLAW_GATEWAY_TOKEN_FILE (a file, not checked)");
  const token = envValue(stack, "gateway", check);
  if (token.length < MIN_KEY) {
    return fail(
      check,
      `${mask(token)}: shorter than ${MIN_KEY} characters`,
      `set OPENCLAW_GATEWAY_TOKEN in .env to ${MIN_KEY}+ random characters (\`openssl rand -hex 24\`), then ${dc.recreate("config-init gateway")}`,
    );
  }
  return ok(check, mask(token));
}

export function credentialRows(stack: Stack, auth: RunResult | undefined, dc: Commands): Row[] {
  return [proxyKeyRow(stack, dc), setupTokenRow(stack, auth, dc), gatewayTokenRow(stack, dc)];
}
