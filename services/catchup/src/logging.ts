// pino JSON logs, one line per event. Tokens are never logged: the gateway's and the proxy's keys
// stay in the calls' headers.
import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "catchup" } });
}
