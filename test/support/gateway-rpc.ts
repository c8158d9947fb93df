// The gateway's methods over its admin HTTP RPC (the admin-http-rpc plugin config-init turns on), from
// the tests on the host through the gateway's published port, with the stack's gateway token.
import { stackEnv } from "./stack.ts";

export function gatewayCall(url: string, token = stackEnv.OPENCLAW_GATEWAY_TOKEN ?? "") {
  return async <T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${url}/api/v1/admin/rpc`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ method, params }),
    });
    const body = (await response.json()) as { ok?: boolean; payload?: T; error?: unknown };
    if (!response.ok || body.ok !== true)
      throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
    return body.payload as T;
  };
}
