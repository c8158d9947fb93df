// Notices: one per event, by key, across passes and restarts; no secret in them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { LimitsReport } from "../../../services/catchup/src/limits.ts";
import { limitsNotices, type SpentWindows } from "../../../services/catchup/src/notices/limits-events.ts";
import { redact, type Notice } from "../../../services/catchup/src/notices/notice.ts";
import { Outbox, type Sink } from "../../../services/catchup/src/notices/outbox.ts";
import { webhookSink } from "../../../services/catchup/src/notices/sinks.ts";

const NOW = Date.parse("2026-12-07T08:00:00Z");
const RESET = "2026-12-07T09:31:32.000Z";
const report = (change: Partial<LimitsReport> = {}): LimitsReport => ({
  windows: [{ window: "five_hour", status: "allowed", utilization: 0.4, resetsAt: RESET, refusedLocally: 0 }],
  extraUsage: { setting: "off", inUse: [], answers: 0, refused: 0 },
  billing: { refusals: {}, lastAt: null },
  ...change,
});
const events = (notices: Notice[]) => notices.map((n) => n.event);

describe("notices from the limits", () => {
  it("a window past its warning threshold, spent, then open again: one notice each, with the window and reset", () => {
    const spent: SpentWindows = {};
    expect(limitsNotices(report(), spent, NOW)).toEqual([]);
    const warning = limitsNotices(
      report({
        windows: [
          { window: "five_hour", status: "allowed_warning", utilization: 0.92, resetsAt: RESET, refusedLocally: 0 },
        ],
      }),
      spent,
      NOW,
    );
    expect(warning).toEqual([
      {
        event: "window-warning",
        key: `window-warning:five_hour:${Math.round(Date.parse(RESET) / 60_000)}`,
        text: "Claude subscription: the 5-hour window is 92 % used; it resets at 09:31 UTC.",
        window: "five_hour",
        resetsAt: Date.parse(RESET),
      },
    ]);
    const rejected = report({
      windows: [{ window: "five_hour", status: "rejected", utilization: 1, resetsAt: RESET, refusedLocally: 0 }],
    });
    expect(events(limitsNotices(rejected, spent, NOW))).toEqual(["window-spent"]);
    expect(spent).toEqual({ five_hour: Date.parse(RESET) });
    expect(limitsNotices(rejected, spent, NOW + 60_000), "told once").toEqual([]);
    // maxapi restarted before the reset: it does not know the window; nothing is told yet
    expect(limitsNotices(report({ windows: [] }), spent, NOW + 120_000)).toEqual([]);
    const open = limitsNotices(
      report({
        windows: [{ window: "five_hour", status: "allowed", utilization: 0, resetsAt: null, refusedLocally: 0 }],
      }),
      spent,
      Date.parse(RESET) + 1000,
    );
    expect(open).toMatchObject([
      {
        event: "window-reopened",
        window: "five_hour",
        resetsAt: Date.parse(RESET),
        text: "Claude subscription: the 5-hour window is open again (it reset at 09:31 UTC).",
      },
    ]);
    expect(spent).toEqual({});
  });

  it("extra usage used (allowed) or refused (off), and a billing refusal", () => {
    const inUse = [{ window: "five_hour", resetsAt: RESET }];
    expect(
      limitsNotices(report({ extraUsage: { setting: "allowed", inUse, answers: 3, refused: 0 } }), {}, NOW),
    ).toMatchObject([{ event: "extra-usage-used", window: "five_hour" }]);
    const refused = limitsNotices(report({ extraUsage: { setting: "off", inUse, answers: 1, refused: 2 } }), {}, NOW);
    expect(refused).toMatchObject([{ event: "extra-usage-refused", window: "five_hour", resetsAt: Date.parse(RESET) }]);
    expect(refused[0]?.text).toMatch(/extra usage; EXTRA_USAGE=off refuses requests until 09:31 UTC/);
    expect(
      limitsNotices(
        report({ billing: { refusals: { extra_usage_required: 1 }, lastAt: "2026-12-07T07:59:00.000Z" } }),
        {},
        NOW,
      ),
    ).toMatchObject([{ event: "billing-refusal", text: expect.stringContaining("(extra_usage_required)") as string }]);
  });

  it("a failure's text loses the tokens it quotes", () => {
    const token = `sk-ant-oat01-${"a".repeat(80)}`;
    expect(redact(`refused with ${token} and Bearer abcdefgh12345678`)).toBe(
      "refused with sk-ant-oat01-a…(93) and Bearer …(16)",
    );
  });
});

describe("the outbox", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sends each key once, across restarts; a failed delivery is tried three times in all", async () => {
    dir = mkdtempSync(join(tmpdir(), "notices-"));
    const sent: string[] = [];
    let failures = 0;
    const sink: Sink = {
      name: "test",
      send: (notice) => {
        if (failures > 0) {
          failures--;
          return Promise.reject(new Error("down"));
        }
        sent.push(notice.key);
        return Promise.resolve();
      },
    };
    const notice = (key: string): Notice => ({ event: "window-spent", key, text: key });
    const outbox = new Outbox(dir, [sink], pino({ level: "silent" }));
    outbox.add([notice("a"), notice("a"), notice("b")], NOW);
    await outbox.flush();
    expect(sent).toEqual(["a", "b"]);
    const restarted = new Outbox(dir, [sink], pino({ level: "silent" }));
    restarted.add([notice("a"), notice("c")], NOW);
    failures = 2;
    await restarted.flush();
    await restarted.flush();
    expect(sent).toEqual(["a", "b"]);
    await restarted.flush();
    expect(sent).toEqual(["a", "b", "c"]);
    failures = 3;
    restarted.add([notice("d")], NOW);
    for (let i = 0; i < 5; i++) await restarted.flush();
    expect(sent, "dropped after three attempts").toEqual(["a", "b", "c"]);
  });

  it("the webhook's body: Slack's text, Discord's content, ntfy's message and topic, and the event's fields", async () => {
    const bodies: unknown[] = [];
    const fetchFn = ((_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(init.body as string));
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as typeof fetch;
    await webhookSink("http://receiver/notices", "clawbridge", fetchFn).send({
      event: "window-spent",
      key: "k",
      text: "spent",
      window: "five_hour",
      resetsAt: Date.parse(RESET),
    });
    expect(bodies).toEqual([
      {
        text: "spent",
        content: "spent",
        message: "spent",
        title: "clawbridge",
        topic: "clawbridge",
        event: "window-spent",
        window: "five_hour",
        resetsAt: RESET,
      },
    ]);
  });
});
