// Container healthcheck: healthy when the server answers and the CLI has credentials. Prints the
// fix when it has none (shown by `docker inspect` and `make verify`).
import { PORTS } from "@clawbridge/settings";
import { AUTH_FIX, cliAuthStatus } from "./cli/auth.ts";
import { loadSettings } from "./settings.ts";

const port = process.env.PORT || String(PORTS.maxapi);
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`/health answered ${response.status}`);
} catch (error) {
  console.log(`maxapi does not answer on port ${port}: ${(error as Error).message}`);
  process.exit(1);
}

const token = loadSettings(process.env).CLAUDE_CODE_OAUTH_TOKEN;
const auth = await cliAuthStatus(token ? { ...process.env, CLAUDE_CODE_OAUTH_TOKEN: token } : process.env);
if (!auth.loggedIn) {
  console.log(AUTH_FIX);
  process.exit(1);
}
console.log(`ok (${auth.method})`);
