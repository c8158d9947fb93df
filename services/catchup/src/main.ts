// The catch-up process: settings, the ledger, a pass every CATCHUP_POLL_MS (sooner when a run is
// due), the HTTP side, and a clean stop on SIGTERM/SIGINT (a pass in flight finishes first).
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { printRefusal } from "@clawbridge/settings";
import { windowName } from "@clawbridge/limits";
import { createApp, type PassStatus } from "./app.ts";
import { CatchUp, type CatchUpEvent } from "./catchup.ts";
import { DeviceStore } from "./device.ts";
import { gatewayRpc } from "./gateway-rpc.ts";
import { GatewaySocket } from "./gateway-ws.ts";
import { Ledger } from "./ledger.ts";
import { limitsReader } from "./limits.ts";
import { createLogger } from "./logging.ts";
import { limitsNotices } from "./notices/limits-events.ts";
import { redact, type Notice } from "./notices/notice.ts";
import { Outbox, type Sink } from "./notices/outbox.ts";
import { channelSink, webhookSink } from "./notices/sinks.ts";
import { loadSettings, SettingsError } from "./settings.ts";

function describe({ kind, entry }: CatchUpEvent): string {
  const job = `cron job "${entry.jobName}"`;
  const reset = new Date(entry.resetsAt).toISOString();
  switch (kind) {
    case "noted":
      return `${job} failed on the spent ${windowName(entry.window)}; it runs once more after the reset at ${reset}, at ${new Date(entry.dueAt).toISOString()}`;
    case "started":
      return `${job}: catch-up run started (the ${windowName(entry.window)} reset at ${reset})`;
    case "done":
      return `${job}: catch-up run done (it had failed on the spent ${windowName(entry.window)}, which reset at ${reset})`;
    case "failed":
      return `${job}: still fails after its catch-up run: ${entry.outcome ?? ""}`;
    case "skipped":
      return `${job}: no catch-up run: ${entry.outcome ?? ""}`;
    case "switched-on":
      return `${job}: switched back on (OpenClaw had switched it off over the spent window)`;
  }
}

/** The notices of a catch-up run's end: done, or a job that still fails after it. */
function catchUpNotice({ kind, entry }: CatchUpEvent): Notice | undefined {
  if (kind !== "done" && kind !== "failed") return undefined;
  return {
    event: kind === "done" ? "catchup-done" : "catchup-failed",
    key: `catchup-${kind}:${entry.jobId}:${Math.round(entry.resetsAt / 60_000)}`,
    text: kind === "done" ? describe({ kind, entry }) : redact(describe({ kind, entry })).slice(0, 500),
    window: entry.window,
    resetsAt: entry.resetsAt,
    job: entry.jobName,
  };
}

async function start(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    printRefusal("catchup", error);
    createLogger("info").fatal({ problems: error.problems }, error.message);
    process.exit(1);
  }
  const logger = createLogger(settings.LOG_LEVEL);
  const ledger = new Ledger(settings.STATE_DIR);
  const call = gatewayRpc(settings.GATEWAY_URL, settings.OPENCLAW_GATEWAY_TOKEN);
  const readLimits = limitsReader(
    settings.AUTH_MODE === "max-proxy" ? settings.NORMALIZER_URL : undefined,
    settings.PROXY_API_KEY,
  );
  const socket = new GatewaySocket(
    settings.GATEWAY_URL,
    settings.OPENCLAW_GATEWAY_TOKEN,
    new DeviceStore(settings.STATE_DIR),
    call,
    logger,
  );
  const catchUp = new CatchUp({
    call,
    dispatch: socket.call,
    ledger,
    readLimits,
    timing: { delayMs: settings.CATCHUP_DELAY_MS, spreadMs: settings.CATCHUP_SPREAD_MS },
    logger,
  });
  const sinks: Sink[] = [
    ...(settings.NOTICE_WEBHOOK_URL ? [webhookSink(settings.NOTICE_WEBHOOK_URL, settings.NOTICE_NTFY_TOPIC)] : []),
    ...(settings.NOTICE_CHANNEL && settings.NOTICE_TO
      ? [channelSink(socket.call, settings.NOTICE_CHANNEL, settings.NOTICE_TO)]
      : []),
  ];
  const outbox = new Outbox(settings.STATE_DIR, sinks, logger);
  catchUp.on((event) => {
    const level = event.kind === "failed" ? "warn" : "info";
    logger[level](
      {
        event: event.kind,
        job: event.entry.jobId,
        window: event.entry.window,
        resetsAt: new Date(event.entry.resetsAt).toISOString(),
      },
      describe(event),
    );
    const notice = catchUpNotice(event);
    if (notice) outbox.add([notice], Date.now());
  });
  const status: PassStatus = { lastOkAt: undefined, lastError: undefined };
  const server = createServer(createApp(catchUp, ledger, status, settings.CATCHUP_POLL_MS));
  server.listen(settings.PORT, settings.HOST, () => {
    logger.info(
      {
        port: settings.PORT,
        gateway: settings.GATEWAY_URL,
        limits: settings.AUTH_MODE === "max-proxy" ? settings.NORMALIZER_URL : null,
        waiting: catchUp.open.length,
      },
      "catch-up listening",
    );
  });

  const stopping = new AbortController();
  const stop = (signal: string) => {
    if (stopping.signal.aborted) return;
    logger.info({ signal }, "stopping");
    stopping.abort();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  while (!stopping.signal.aborted) {
    try {
      await catchUp.pass();
      if (outbox.enabled) {
        const report = await readLimits().catch((error: unknown) =>
          logger.warn({ err: (error as Error).message }, "the proxy's limits could not be read for notices"),
        );
        if (report) outbox.add(limitsNotices(report, outbox.spent, Date.now()), Date.now());
        await outbox.flush();
      }
      if (status.lastError !== undefined) logger.info("the gateway answers again");
      status.lastOkAt = Date.now();
      status.lastError = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== status.lastError) logger.warn({ err: message }, "a catch-up pass failed; trying again");
      status.lastError = message;
    }
    // sooner when an entry is due or the pass failed (not more often than every 5 s)
    const due = status.lastError === undefined ? catchUp.nextDue : Date.now();
    const wait = Math.max(
      Math.min(5_000, settings.CATCHUP_POLL_MS),
      Math.min(settings.CATCHUP_POLL_MS, due === undefined ? Infinity : due - Date.now()),
    );
    await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
  }
  socket.stop();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

void start();
