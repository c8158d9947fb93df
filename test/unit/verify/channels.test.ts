import { describe, expect, it } from "vitest";
import { channelRows, configuredChannels } from "../../../services/verify/src/channels.ts";
import { DC, fixture, stackOf } from "./fixtures.ts";

describe("configuredChannels", () => {
  it("are those whose bot token the gateway gets", () => {
    expect(configuredChannels(stackOf("max-proxy"))).toEqual([]);
    expect(configuredChannels(stackOf("channels-offline"))).toEqual(["telegram", "discord"]);
  });
});

describe("channelRows", () => {
  it("skips when no channel is configured", () => {
    expect(channelRows([], "", DC)).toEqual([
      {
        check: "channels",
        status: "skip",
        detail: "none configured (no TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN)",
        fix: "",
      },
    ]);
  });

  it("fails a channel that is not connected, and one the gateway never loaded", () => {
    const rows = channelRows(["telegram", "discord"], fixture("channels-offline/channels-status.json"), DC);
    expect(rows.map((row) => [row.check, row.status, row.detail])).toEqual([
      ["channel telegram", "FAIL", "not connected (starting, running)"],
      ["channel discord", "FAIL", "DISCORD_BOT_TOKEN is set but the gateway has not loaded the channel"],
    ]);
    expect(rows[0]?.fix).toContain("TELEGRAM_BOT_TOKEN");
    expect(rows[0]?.fix).toContain("docker compose exec gateway openclaw channels status --probe");
    expect(rows[1]?.fix).toContain("internet access");
  });

  it("passes a connected channel", () => {
    // the captured status with the account connected, as the gateway reports it once Telegram answers
    const status = JSON.parse(fixture("channels-offline/channels-status.json")) as {
      channelAccounts: { telegram: Record<string, unknown>[] };
    };
    status.channelAccounts.telegram = status.channelAccounts.telegram.map((account) => ({
      ...account,
      connected: true,
      lifecycle: "running",
    }));
    expect(channelRows(["telegram"], JSON.stringify(status), DC)).toEqual([
      { check: "channel telegram", status: "ok", detail: "connected (polling)", fix: "" },
    ]);
  });

  it("fails while the gateway is still starting", () => {
    const [row] = channelRows(["telegram"], fixture("gateway-starting/channels-status.json"), DC);
    expect(row).toMatchObject({
      status: "FAIL",
      detail: "the gateway is still starting (waiting for Gateway listener)",
    });
  });
});
