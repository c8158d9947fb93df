// Check 8: each configured channel (TELEGRAM_BOT_TOKEN / DISCORD_BOT_TOKEN set) is connected,
// from the gateway's runtime state (`openclaw channels status --json`, no live probe).
import type { Commands } from "./commands.ts";
import { asArray, asRecord, asString, clip, isRecord, parseJsonOutput } from "./json.ts";
import { fail, ok, skip, type Row } from "./row.ts";
import { envValue, type Stack } from "./stack.ts";

export const CHANNELS = { telegram: "TELEGRAM_BOT_TOKEN", discord: "DISCORD_BOT_TOKEN" } as const;
export type Channel = keyof typeof CHANNELS;

/** The channels whose token the gateway gets (in its environment or as a `_FILE`). */
export function configuredChannels(stack: Stack): Channel[] {
  return (Object.keys(CHANNELS) as Channel[]).filter((channel) => {
    const name = CHANNELS[channel];
    return envValue(stack, "gateway", name) !== "" || envValue(stack, "gateway", `${name}_FILE`) !== "";
  });
}

export function channelRows(configured: Channel[], output: string, dc: Commands): Row[] {
  if (configured.length === 0)
    return [skip("channels", "none configured (no TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN)")];
  const status = asRecord(parseJsonOutput(output));
  const logs = dc.logs("gateway", 200);
  return configured.map((channel): Row => {
    const check = `channel ${channel}`;
    const token = CHANNELS[channel];
    if (asString(status.status) === "starting") {
      return fail(
        check,
        `the gateway is still starting (${asString(status.startupPhase) || "?"})`,
        "wait a minute and run make verify again",
      );
    }
    const accounts = asArray(asRecord(status.channelAccounts)[channel]).filter(isRecord);
    const summary = asRecord(asRecord(status.channels)[channel]);
    if (accounts.length === 0 && Object.keys(summary).length === 0) {
      const why =
        channel === "discord"
          ? "; OpenClaw installs its Discord plugin from npm when the gateway starts, which needs internet access"
          : "";
      return fail(
        check,
        `${token} is set but the gateway has not loaded the channel`,
        `look for "${channel}" in ${logs}${why}`,
      );
    }
    const states = accounts.length > 0 ? accounts : [summary];
    const down = states.find(
      (account) =>
        account.enabled !== false &&
        account.connected !== true &&
        !(account.connected === undefined && account.running === true),
    );
    const mode = asString(states[0]?.mode);
    if (!down) return ok(check, `connected${mode ? ` (${mode})` : ""}`);
    const lastError = asString(down.lastError);
    const detail = `not connected (${[asString(down.lifecycle), down.running === true ? "running" : "not running"].filter(Boolean).join(", ")})${lastError ? `: ${clip(lastError, 200)}` : ""}`;
    return fail(
      check,
      detail,
      `check ${token} in .env and that the gateway reaches ${channel === "telegram" ? "api.telegram.org" : "discord.com"}; look for "${channel}" in ${logs}; live probe: ${dc.execIn("gateway")} openclaw channels status --probe`,
    );
  });
}
