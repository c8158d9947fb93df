// Runs maxapi's app in-process on a loopback port, its CLI replaced by FakeCli (recorded transcripts
// of the real one), and collects its log lines for assertions.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { logSink } from "./log-sink.ts";
import { createApp, createPool } from "../../services/maxapi/src/app.ts";
import { createLimits } from "../../services/maxapi/src/limits/limits.ts";
import { loadSettings } from "../../services/maxapi/src/settings.ts";
import { FakeCli } from "./fake-cli.ts";

/** `now`: the clock the usage windows' resets are measured on (a test moves it past a reset). */
export async function startMaxapi(env: Record<string, string> = {}, now: () => number = Date.now) {
  const cli = new FakeCli();
  const { sink, logs } = logSink();
  const settings = loadSettings({ WARM_POOL_SIZE: "0", ...env });
  const logger = pino({ level: "debug", base: { service: "maxapi" } }, sink);
  const pool = createPool(settings, logger, { spawn: cli.spawn, quietMs: 0 });
  const limits = createLimits((level, entry, message) => logger[level](entry, message), now, settings.EXTRA_USAGE);
  const server = createServer(createApp(settings, pool, logger, limits)).listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    cli,
    pool,
    logs,
    /** The request's own log line (the one written when it ended). */
    requestLog: (requestId: string) =>
      logs.find(
        (line) =>
          line.reqId === requestId &&
          (line.msg === "request completed" || line.msg === "request aborted by the client"),
      ),
    async close() {
      pool.close();
      limits.windows.close();
      limits.extraUsage.close();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

export type Maxapi = Awaited<ReturnType<typeof startMaxapi>>;
