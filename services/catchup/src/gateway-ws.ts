// The gateway's WebSocket, for `cron.run`: a run asked for over HTTP is dropped by OpenClaw once the
// HTTP answer is sent ("Gateway client authority closed before dispatching cron.run"), while a
// WebSocket client's authority lasts as long as it stays connected. An admin scope on the WebSocket
// needs a paired device: the catch-up has its own (device.ts) and approves its own pairing request
// through the admin HTTP RPC, which the gateway token already authorises (as `openclaw devices
// approve` would). The connection then stays open; it reconnects by itself.
import { GatewayClient, GatewayClientRequestTimeoutError } from "@openclaw/gateway-client";
import { readPairingConnectErrorDetails } from "@openclaw/gateway-protocol/connect-error-details";
import { PROTOCOL_VERSION } from "@openclaw/gateway-protocol/version";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Logger } from "pino";
import { publicKeyRaw, signPayload, type DeviceStore } from "./device.ts";
import { GatewayError, type Call } from "./gateway-rpc.ts";

const ROLE = "operator";
const SCOPES = ["operator.admin", "operator.read", "operator.write"];
const CONNECT_TIMEOUT_MS = 30_000;

export class GatewaySocket {
  private client: GatewayClient | undefined;
  private ready: Promise<void> | undefined;
  private readonly url: string;
  private readonly token: string;
  private readonly devices: DeviceStore;
  private readonly http: Call;
  private readonly logger: Logger;

  constructor(gatewayUrl: string, token: string, devices: DeviceStore, http: Call, logger: Logger) {
    this.url = gatewayUrl.replace(/^http/, "ws");
    this.token = token;
    this.devices = devices;
    this.http = http;
    this.logger = logger;
  }

  /** A gateway method over the WebSocket, connecting (and pairing) first when needed. */
  readonly call: Call = async (method, params) => {
    try {
      await this.connect();
    } catch (error) {
      throw new GatewayError(`${method}: the gateway's WebSocket did not connect (${(error as Error).message})`, true);
    }
    if (!this.client) throw new GatewayError(`${method}: the gateway's WebSocket is not connected`, true);
    try {
      return await this.client.request(method, params);
    } catch (error) {
      // an answer that did not come may still have been acted on; an error answer was not
      const unknown = error instanceof GatewayClientRequestTimeoutError || (error as Error).message.includes("closed");
      if (unknown) this.stop();
      throw new GatewayError(`${method}: ${(error as Error).message}`, !unknown);
    }
  };

  stop(): void {
    this.client?.stop();
    this.client = undefined;
    this.ready = undefined;
  }

  private connect(): Promise<void> {
    this.ready ??= this.open(true).catch((error: unknown) => {
      this.stop();
      throw error;
    });
    return this.ready;
  }

  /** Connects; a first PAIRING_REQUIRED is approved over the admin HTTP RPC, then it connects again. */
  private async open(mayPair: boolean): Promise<void> {
    const device = this.devices.loadOrCreate();
    const url = await byAddress(this.url);
    const { promise, resolve, reject } = Promise.withResolvers<undefined>();
    const timer = setTimeout(
      () => reject(new Error(`the gateway's WebSocket did not connect within ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS,
    );
    let pairing: string | undefined;
    const client = new GatewayClient({
      url,
      token: this.token,
      clientName: "gateway-client",
      clientDisplayName: "clawbridge catch-up",
      mode: "backend",
      role: ROLE,
      scopes: SCOPES,
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      deviceIdentity: device,
      hostDeps: {
        signDevicePayload: signPayload,
        publicKeyRawBase64UrlFromPem: publicKeyRaw,
        loadDeviceAuthToken: () => (device.token ? { token: device.token, scopes: device.scopes ?? SCOPES } : null),
        storeDeviceAuthToken: ({ token, scopes }) => this.devices.save({ ...device, token, scopes }),
        clearDeviceAuthToken: () => this.devices.save({ ...device, token: undefined, scopes: undefined }),
        logDebug: (message) => this.logger.debug({ gateway: "ws" }, message),
        logError: (message) => this.logger.warn({ gateway: "ws" }, message),
      },
      onHelloOk: () => resolve(undefined),
      onConnectError: (error) => {
        const details = readPairingConnectErrorDetails((error as { details?: unknown }).details);
        if (details?.requestId && mayPair) pairing = details.requestId;
        reject(error);
      },
    });
    this.client = client;
    client.start();
    try {
      await promise;
    } catch (error) {
      client.stop();
      this.client = undefined;
      if (!pairing) throw error;
      this.logger.info(
        { deviceId: device.deviceId.slice(0, 12) },
        "pairing the catch-up's device with the gateway (approved with the gateway token)",
      );
      await this.http("device.pair.approve", { requestId: pairing });
      await this.open(false);
      return;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The URL with the host's address: the client takes plaintext ws:// only to a loopback or private
 * address (or a .local name), and a compose service name is neither until resolved. The stack's
 * network is internal to the machine (docker-compose.yml), so nothing crosses a network in clear.
 */
async function byAddress(url: string): Promise<string> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return url;
  const { address, family } = await lookup(host);
  parsed.hostname = family === 6 ? `[${address}]` : address;
  return parsed.toString().replace(/\/$/, "");
}
