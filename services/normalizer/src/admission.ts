// Backpressure: each chat request upstream is a Claude Code CLI process (~200 MB), so at most
// `concurrency` run at once. The rest wait in FIFO order (p-queue), at most `maxQueue` of them and
// each for at most `queueTimeoutMs`; beyond that the client gets 429 with a Retry-After estimate.
import type { RequestHandler, Response } from "express";
import PQueue from "p-queue";
import { ApiError, sendError } from "@clawbridge/openai";

export interface AdmissionOptions {
  concurrency: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

class QueueTimeout extends Error {}
class ClientGone extends Error {}

export class AdmissionGate {
  private readonly options: AdmissionOptions;
  private readonly queue: PQueue;
  // Moving average of how long a request holds its slot, for Retry-After; 10 s until measured.
  private averageHoldMs = 10_000;

  constructor(options: AdmissionOptions) {
    this.options = options;
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  get waiting(): number {
    return this.queue.size;
  }

  get running(): number {
    return this.queue.pending;
  }

  /** Seconds after which a retry is likely to find a free slot. */
  retryAfterSeconds(): number {
    const rounds = (this.queue.size + 1) / this.options.concurrency;
    return Math.min(120, Math.max(1, Math.ceil((rounds * this.averageHoldMs) / 1000)));
  }

  /** Express middleware: calls next() once a slot is free and holds the slot until the response ends. */
  readonly middleware: RequestHandler = (_req, res, next) => {
    const hold = async () => {
      const started = performance.now();
      next();
      await new Promise((resolve) => res.once("close", resolve));
      this.averageHoldMs = 0.8 * this.averageHoldMs + 0.2 * (performance.now() - started);
    };
    if (this.queue.pending < this.options.concurrency && this.queue.size === 0) {
      void this.queue.add(hold); // a slot is free: p-queue starts the task synchronously
      return;
    }
    if (this.queue.size >= this.options.maxQueue) {
      this.reject(
        res,
        "queue_full",
        `all ${this.options.concurrency} upstream slots are busy and ${this.queue.size} requests are waiting`,
      );
      return;
    }
    // Aborts only while waiting: a queue timeout or a client that hangs up leaves the queue.
    const waiting = new AbortController();
    const timer = setTimeout(() => waiting.abort(new QueueTimeout()), this.options.queueTimeoutMs);
    const onClientGone = () => waiting.abort(new ClientGone());
    res.once("close", onClientGone);
    const stopWaiting = () => {
      clearTimeout(timer);
      res.off("close", onClientGone);
    };
    this.queue
      .add(
        () => {
          stopWaiting();
          return hold();
        },
        { signal: waiting.signal },
      )
      .catch((error: unknown) => {
        stopWaiting();
        if (error instanceof QueueTimeout) {
          this.reject(res, "queue_timeout", `no upstream slot became free within ${this.options.queueTimeoutMs} ms`);
        } else if (!(error instanceof ClientGone)) {
          next(error);
        }
      });
  };

  private reject(res: Response, code: string, why: string): void {
    const retryAfter = this.retryAfterSeconds();
    sendError(
      res,
      new ApiError(
        429,
        "rate_limit_error",
        code,
        `the proxy is at capacity: ${why}; retry after ${retryAfter} s`,
        null,
        {
          "retry-after": String(retryAfter),
        },
      ),
    );
  }
}
