// Runs the normalizer app in-process on a loopback port, in front of a real mock upstream, and
// collects its log lines for assertions.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { logSink } from "./log-sink.ts";
import { createApp } from "../../services/normalizer/src/app.ts";
import { loadSettings } from "../../services/normalizer/src/settings.ts";
import { MockOpenAIUpstream } from "./mock-openai-upstream.ts";

export async function startNormalizer(
  env: Record<string, string> = {},
  options: { upstream?: MockOpenAIUpstream } = {},
) {
  const upstream = options.upstream ?? (await new MockOpenAIUpstream().start());
  const { sink, logs } = logSink();
  const settings = loadSettings({ UPSTREAM_URL: upstream.url, ...env });
  const { app, gate, metrics } = createApp(settings, pino({ level: "info" }, sink));
  const server = createServer(app).listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    upstream,
    gate,
    metrics,
    logs,
    /** The one log line written for the request with this id. */
    logFor: (requestId: string) => logs.filter((line) => line.reqId === requestId),
    async close() {
      server.closeAllConnections();
      server.close();
      await upstream.stop();
    },
  };
}

export type Normalizer = Awaited<ReturnType<typeof startNormalizer>>;

export const chat = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
