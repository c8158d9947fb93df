// Where notices go.
// - The webhook: one POST per notice, a JSON body Slack (`text`), Discord (`content`) and ntfy
//   (`message`, `title`, with `topic` when NOTICE_NTFY_TOPIC is set: post to the server's root URL)
//   each take, and the event as fields. The URL holds a token for Discord and Slack: never logged.
// - The user's OpenClaw channel, through OpenClaw's own delivery: a one-shot cron job whose command
//   prints the notice (no model call) and announces it on the channel, removed after it ran.
import type { Call } from "../gateway-rpc.ts";
import type { Sink } from "./outbox.ts";

export function webhookSink(url: string, ntfyTopic: string | undefined, fetchFn: typeof fetch = fetch): Sink {
  return {
    name: "webhook",
    async send(notice) {
      const body = {
        text: notice.text,
        content: notice.text,
        message: notice.text,
        title: "clawbridge",
        ...(ntfyTopic ? { topic: ntfyTopic } : {}),
        event: notice.event,
        ...(notice.window ? { window: notice.window } : {}),
        ...(notice.resetsAt !== undefined ? { resetsAt: new Date(notice.resetsAt).toISOString() } : {}),
        ...(notice.job ? { job: notice.job } : {}),
      };
      const response = await fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
    },
  };
}

export function channelSink(call: Call, channel: string, to: string): Sink {
  return {
    name: `openclaw ${channel}`,
    async send(notice) {
      await call("cron.add", {
        name: "clawbridge notice",
        description: `${notice.event}: sent by the catch-up service`,
        schedule: { kind: "at", at: new Date().toISOString() },
        sessionTarget: "isolated",
        wakeMode: "now",
        payload: { kind: "command", argv: ["printf", "%s\\n", notice.text], timeoutSeconds: 30 },
        delivery: { mode: "announce", channel, to },
        deleteAfterRun: true,
      });
    },
  };
}
