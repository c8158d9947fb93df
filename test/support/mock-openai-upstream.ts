// A real HTTP server that answers like claude-max-api (an OpenAI-style upstream), for tests and the
// benchmark. It records what it received. Each request can ask for a behaviour with headers:
//   x-mock-delay-ms: N        wait N ms before answering
//   x-mock-chunks: N          stream N content chunks (default 3)
//   x-mock-chunk-delay-ms: N  wait N ms between stream chunks
//   x-mock-hang: 1            send nothing, ever (until the client goes away)
//   x-mock-stall-after: N     stream N chunks, then go silent
//   x-mock-drop-after: N      stream N chunks, then cut the connection (the upstream process died)
//   x-mock-status: N          answer with this status and an OpenAI error body
// Node builtins only: `node test/support/mock-openai-upstream.ts [port]` runs it as a process.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  bytes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const headerNumber = (req: IncomingMessage, name: string) => Number(req.headers[name] ?? 0);

export class MockOpenAIUpstream {
  /** What it received; empty when started with `record: false` (benchmarks, standalone runs). */
  readonly requests: RecordedRequest[] = [];
  /** Chat requests whose client went away before the answer was complete. */
  abandoned = 0;
  /** Chat responses fully sent. */
  completed = 0;
  inFlight = 0;
  maxInFlight = 0;
  private readonly server: Server;
  private readonly waiters = new Set<() => void>();
  private readonly record: boolean;

  constructor(options: { record?: boolean } = {}) {
    this.record = options.record ?? true;
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async start(port = 0, host = "127.0.0.1"): Promise<this> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    return this;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Resolves once `condition()` holds (checked after every event the mock records). */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }

  private changed(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      body = raw.toString("utf8");
    }
    if (this.record)
      this.requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        bytes: raw.length,
      });
    this.changed();

    if (req.url === "/health") return void res.end(JSON.stringify({ status: "ok" }));
    if (req.url === "/v1/models") {
      res.setHeader("content-type", "application/json");
      res.setHeader("access-control-allow-origin", "*");
      return void res.end(JSON.stringify({ object: "list", data: [{ id: "claude-opus-4", object: "model" }] }));
    }
    if (req.url !== "/v1/chat/completions") {
      res.statusCode = 404;
      return void res.end(
        JSON.stringify({ error: { message: "not found", type: "invalid_request_error", param: null, code: null } }),
      );
    }

    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once("close", () => {
      this.inFlight--;
      if (res.writableFinished) this.completed++;
      else this.abandoned++;
      this.changed();
    });
    await this.answer(req, res, body as { model?: string; stream?: boolean } | undefined);
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    body: { model?: string; stream?: boolean } | undefined,
  ) {
    if (req.headers["x-mock-hang"]) return;
    const answerDelay = headerNumber(req, "x-mock-delay-ms");
    if (answerDelay) await sleep(answerDelay); // even sleep(0) would add a 1 ms timer tick to every answer
    const status = headerNumber(req, "x-mock-status");
    if (status) {
      res.writeHead(status, { "content-type": "application/json" });
      return void res.end(
        JSON.stringify({
          error: { message: `mock upstream error ${status}`, type: "api_error", param: null, code: null },
        }),
      );
    }
    const model = body?.model ?? "claude-opus-4";
    const id = `chatcmpl-mock-${this.requests.length}`;
    if (!body?.stream) {
      res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
      return void res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: "assistant", content: "mock answer" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        }),
      );
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const count = req.headers["x-mock-chunks"] ? headerNumber(req, "x-mock-chunks") : 3;
    const stallAfter = req.headers["x-mock-stall-after"] ? headerNumber(req, "x-mock-stall-after") : Infinity;
    const dropAfter = req.headers["x-mock-drop-after"] ? headerNumber(req, "x-mock-drop-after") : Infinity;
    const delay = headerNumber(req, "x-mock-chunk-delay-ms");
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    for (let i = 0; i < count; i++) {
      if (i >= stallAfter || res.destroyed) return;
      if (i > 0 && delay) await sleep(delay);
      if (i >= dropAfter) return void res.socket?.destroy();
      res.write(chunk({ content: `part${i} ` }));
    }
    res.end(chunk({}, "stop") + "data: [DONE]\n\n");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // as a process nobody can read what it recorded, and a benchmark would fill the heap with it
  const mock = await new MockOpenAIUpstream({ record: false }).start(
    Number(process.argv[2] ?? 3456),
    process.argv[3] ?? "0.0.0.0",
  );
  process.stdout.write(`mock upstream listening on ${mock.url}\n`);
  const stop = () => void mock.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
