// The two ways an answer leaves: streamed (SSE) or whole (JSON). Both take the same deltas and end
// the same way, so the chat route does not care which the client asked for.
//   streamed: headers with the first delta (an error before it still gets its real status), a chunk
//             per delta, the finish chunk, the usage chunk when asked for, `[DONE]`; an error after
//             the first delta is an error event and `[DONE]`
//   whole:    one chat.completion, or the error with its status
import { sendError, sseErrorEvent, type ApiError } from "@clawbridge/openai";
import type { Response } from "express";
import { completionUsage, type Completion } from "../openai/completion.ts";
import type { Answer, Delta } from "./answer.ts";

export interface Responder {
  delta(delta: Delta): void;
  finish(answer: Answer): void;
  fail(error: ApiError): void;
}

export function streamed(res: Response, completion: Completion, includeUsage: boolean): Responder {
  const write = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const start = () => {
    if (res.headersSent) return;
    res.status(200).set({ "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
  };
  return {
    delta(delta) {
      if (res.writableEnded) return;
      start();
      write(completion.chunk(delta));
    },
    finish(answer) {
      if (res.writableEnded) return;
      start();
      write(completion.chunk({}, answer.finishReason));
      if (includeUsage) write(completion.usageChunk(completionUsage(answer.usage)));
      res.end("data: [DONE]\n\n");
    },
    fail(error) {
      if (res.writableEnded) return;
      if (!res.headersSent) {
        sendError(res, error);
        return;
      }
      res.locals.error = error.message;
      res.end(sseErrorEvent(error));
    },
  };
}

export function whole(res: Response, completion: Completion): Responder {
  return {
    delta() {}, // the answer collects what it needs
    finish(answer) {
      if (res.writableEnded) return;
      res.json(completion.whole(answer.message, answer.finishReason, completionUsage(answer.usage)));
    },
    fail(error) {
      if (!res.writableEnded) sendError(res, error);
    },
  };
}
