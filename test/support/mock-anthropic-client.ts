// The container tests' side of the mock Anthropic API's admin endpoints (mock-anthropic-api.ts).
import type { Mode, ModeOptions, ModeSettings, RecordedPrompt, RecordedRequest, Window } from "./mock-anthropic-api.ts";
import { until } from "./until.ts";

export class MockAnthropicClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** Switches the mode; options left out go back to their defaults. Resolves to the settings now in force. */
  async setMode(mode: Mode, options: ModeOptions = {}): Promise<ModeSettings> {
    const response = await fetch(`${this.url}/__mock/mode`, {
      method: "PUT",
      body: JSON.stringify({ mode, ...options }),
    });
    if (response.status !== 200)
      throw new Error(`mock refused mode ${mode}: ${response.status} ${await response.text()}`);
    return (await response.json()) as ModeSettings;
  }

  /** The settings in force: after a spent window's `resetsAt`, mode ok again. */
  async settings(): Promise<ModeSettings> {
    return (await (await fetch(`${this.url}/__mock/mode`)).json()) as ModeSettings;
  }

  /** Spends a subscription window (`usage-limit`) until `resetsAt` (epoch seconds), then the mock answers by itself again. */
  async spendWindow(
    window: Window,
    resetsAt: number,
    options: Omit<ModeOptions, "window" | "resetsAt"> = {},
  ): Promise<ModeSettings> {
    return this.setMode("usage-limit", { ...options, window, resetsAt });
  }

  /** Resolves once a spent window has reset (the mock is back in ok mode); polls every `everyMs`. */
  async untilReset(attempts = 600, everyMs = 1000): Promise<ModeSettings> {
    return until(
      "the mock's spent window to reset",
      async () => {
        const settings = await this.settings();
        return settings.mode !== "usage-limit" && settings.mode !== "overage-in-use" && settings;
      },
      attempts,
      everyMs,
    );
  }

  /** Every request received so far, oldest first. */
  async received(): Promise<RecordedRequest[]> {
    return (await (await fetch(`${this.url}/__mock/requests`)).json()) as RecordedRequest[];
  }

  /** The Messages API requests received so far. */
  async messages(): Promise<RecordedRequest[]> {
    return (await this.received()).filter((r) => r.path.startsWith("/v1/messages"));
  }

  /**
   * What each model call (POST /v1/messages, not count_tokens) so far sent: system prompt, cache blocks,
   * settings; with `carrying`, only the calls whose text (system prompt or messages) holds it.
   */
  async prompts(carrying?: string): Promise<RecordedPrompt[]> {
    const calls = (await this.received()).filter((r) => r.method === "POST" && r.path.split("?")[0] === "/v1/messages");
    return calls.flatMap((r) => (r.prompt && (carrying === undefined || r.text.includes(carrying)) ? [r.prompt] : []));
  }

  /** The Messages API request that carried `marker`, once the CLI has sent it. */
  async receivedWith(marker: string): Promise<RecordedRequest> {
    return until(
      `a request with ${marker} at the mock Anthropic API`,
      async () => (await this.messages()).find((r) => r.text.includes(marker)),
      150,
      100,
    );
  }
}
