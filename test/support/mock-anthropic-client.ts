// The container tests' side of the mock Anthropic API's admin endpoints (mock-anthropic-api.ts).
import type { Mode, ModeSettings, RecordedRequest } from "./mock-anthropic-api.ts";
import { until } from "./until.ts";

export class MockAnthropicClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** Switches the mode; options left out go back to their defaults. */
  async setMode(mode: Mode, options: Partial<Omit<ModeSettings, "mode">> = {}): Promise<void> {
    const response = await fetch(`${this.url}/__mock/mode`, { method: "PUT", body: JSON.stringify({ mode, ...options }) });
    if (response.status !== 200) throw new Error(`mock refused mode ${mode}: ${response.status} ${await response.text()}`);
  }

  /** Every request received so far, oldest first. */
  async received(): Promise<RecordedRequest[]> {
    return (await (await fetch(`${this.url}/__mock/requests`)).json()) as RecordedRequest[];
  }

  /** The Messages API requests received so far. */
  async messages(): Promise<RecordedRequest[]> {
    return (await this.received()).filter((r) => r.path.startsWith("/v1/messages"));
  }

  /** The Messages API request that carried `marker`, once the CLI has sent it. */
  async receivedWith(marker: string): Promise<RecordedRequest> {
    return until(`a request with ${marker} at the mock Anthropic API`, async () => (await this.messages()).find((r) => r.text.includes(marker)), 150, 100);
  }
}
