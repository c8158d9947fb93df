// Probes, exempt from the API key: liveness, readiness (the upstream answers), metrics.
import { Router } from "express";
import type { Metrics } from "./metrics.ts";

const READY_TIMEOUT_MS = 2_000;

export function probes(upstreamUrl: string, metrics: Metrics): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    let reason: string;
    try {
      const upstream = await fetch(`${upstreamUrl}/health`, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
      await upstream.body?.cancel();
      if (upstream.ok) {
        res.json({ status: "ready" });
        return;
      }
      reason = `upstream /health answered ${upstream.status}`;
    } catch (error) {
      reason =
        error instanceof DOMException && error.name === "TimeoutError"
          ? `upstream /health did not answer within ${READY_TIMEOUT_MS} ms`
          : `upstream unreachable (${String((error as { cause?: { code?: string } }).cause?.code ?? error)})`;
    }
    res.status(503).json({ status: "unready", reason });
  });
  router.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
