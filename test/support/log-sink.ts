// A pino destination that keeps each JSON line a service logs, parsed, for assertions.
import { Writable } from "node:stream";

export type LogLine = Record<string, unknown> & { msg?: string };

export function logSink(): { sink: Writable; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { sink, logs };
}
