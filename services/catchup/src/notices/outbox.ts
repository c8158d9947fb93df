// Sends each notice once: to the webhook (NOTICE_WEBHOOK_URL) and/or the user's OpenClaw channel
// (NOTICE_CHANNEL, NOTICE_TO). The keys sent and the spent windows told of are kept in the state
// volume (notices.json), so a restart neither repeats a notice nor loses "open again". A delivery
// that fails is tried again on the next passes, three times in all, then dropped with a log line.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { SpentWindows } from "./limits-events.ts";
import type { Notice } from "./notice.ts";

/** A place notices go; throws when it could not deliver. */
export interface Sink {
  name: string;
  send(notice: Notice): Promise<void>;
}

interface State {
  sent: Record<string, number>;
  spent: SpentWindows;
}

const KEEP_MS = 8 * 24 * 3600_000;
const ATTEMPTS = 3;

export class Outbox {
  readonly spent: SpentWindows;
  private readonly state: State;
  private readonly file: string;
  private readonly sinks: Sink[];
  private readonly logger: Logger;
  private readonly pending = new Map<string, { notice: Notice; sinks: Sink[]; attempts: number }>();

  constructor(dir: string, sinks: Sink[], logger: Logger) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "notices.json");
    this.state = Outbox.load(this.file);
    this.spent = this.state.spent;
    this.sinks = sinks;
    this.logger = logger;
  }

  get enabled(): boolean {
    return this.sinks.length > 0;
  }

  /** Queues the notices not sent before (by key); the caller's changes to `spent` are saved with them. */
  add(notices: Notice[], now: number): void {
    for (const notice of notices) {
      if (this.state.sent[notice.key] !== undefined || this.pending.has(notice.key)) continue;
      this.state.sent[notice.key] = now;
      this.pending.set(notice.key, { notice, sinks: [...this.sinks], attempts: 0 });
    }
    for (const [key, sentAt] of Object.entries(this.state.sent))
      if (now - sentAt > KEEP_MS) Reflect.deleteProperty(this.state.sent, key);
    this.save();
  }

  /** Delivers what is queued; each sink that fails keeps the notice for the next flush. */
  async flush(): Promise<void> {
    for (const [key, item] of this.pending) {
      item.attempts++;
      const failed: Sink[] = [];
      for (const sink of item.sinks) {
        try {
          await sink.send(item.notice);
          this.logger.info({ event: item.notice.event, sink: sink.name }, `notice sent: ${item.notice.text}`);
        } catch (error) {
          failed.push(sink);
          this.logger.warn(
            { event: item.notice.event, sink: sink.name, attempt: item.attempts, err: (error as Error).message },
            "a notice could not be sent",
          );
        }
      }
      item.sinks = failed;
      if (failed.length === 0 || item.attempts >= ATTEMPTS) this.pending.delete(key);
    }
  }

  private save(): void {
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(temporary, this.file);
  }

  private static load(file: string): State {
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<State>;
      return { sent: parsed.sent ?? {}, spent: parsed.spent ?? {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { sent: {}, spent: {} };
      throw error;
    }
  }
}
