// Runs maxapi's app in-process on a loopback port, its CLI replaced by FakeCli (recorded transcripts
// of the real one), and collects its log lines for assertions.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { logSink } from "./log-sink.ts";
import { createApp, createPool } from "../../services/maxapi/src/app.ts";
import { loadSettings } from "../../services/maxapi/src/settings.ts";
import { FakeCli } from "./fake-cli.ts";


export async function startMaxapi(env: Record<string, string> = {}) {
  const cli = new FakeCli();
  const { sink, logs } = logSink();
  const settings = loadSettings({ WARM_POOL_SIZE: "0", ...env });
  const logger = pino({ level: "debug", base: { service: "maxapi" } }, sink);
  const pool = createPool(settings, logger, { spawn: cli.spawn, quietMs: 0 });
  const server = createServer(createApp(settings, pool, logger)).listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    cli,
    pool,
    logs,
    /** The request's own log line (the one written when it ended). */
    requestLog: (requestId: string) => logs.find((line) => line.reqId === requestId && (line.msg === "request completed" || line.msg === "request aborted by the client")),
    async close() {
      pool.close();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

export type Maxapi = Awaited<ReturnType<typeof startMaxapi>>;
