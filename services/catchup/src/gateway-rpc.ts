// OpenClaw's gateway methods over HTTP: the bundled admin-http-rpc plugin's POST /api/v1/admin/rpc,
// behind the gateway token (a shared-token WebSocket client may not take admin scopes; this route
// gives the token's holder the operator's). Only cron.* methods are called.
export class GatewayError extends Error {
  /** Whether the gateway surely did nothing (it answered with an error); false when the call's fate is unknown. */
  readonly refused: boolean;

  constructor(message: string, refused: boolean) {
    super(message);
    this.name = "GatewayError";
    this.refused = refused;
  }
}

export type Call = (method: string, params: Record<string, unknown>) => Promise<unknown>;

const TIMEOUT_MS = 20_000;

export function gatewayRpc(gatewayUrl: string, token: string, fetchFn: typeof fetch = fetch): Call {
  const url = `${gatewayUrl.replace(/\/+$/, "")}/api/v1/admin/rpc`;
  return async (method, params) => {
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ method, params }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // connection refused: nothing ran; a timeout or a cut connection: it may have
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new GatewayError(
        `${method}: the gateway did not answer (${code ?? (error as Error).name})`,
        code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN",
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { ok?: boolean; payload?: unknown; error?: { code?: string; message?: string } } | undefined;
    if (response.ok && body?.ok === true) return body.payload;
    if (response.status === 404)
      throw new GatewayError(
        `${method}: the gateway has no admin RPC route (404): its admin-http-rpc plugin is off; config-init turns it on`,
        true,
      );
    if (response.status === 401)
      throw new GatewayError(
        `${method}: the gateway refused the token (401): OPENCLAW_GATEWAY_TOKEN differs from the gateway's`,
        true,
      );
    throw new GatewayError(
      `${method}: HTTP ${response.status} ${body?.error?.code ?? ""} ${body?.error?.message ?? ""}`.trim(),
      true,
    );
  };
}
