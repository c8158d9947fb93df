// Anthropic's billing refusals: a subscription request it decided to draw from extra usage (requests
// from third-party apps, long context) or that extra usage cannot cover. They are decisions about the
// account, not faults and not rate limits: 402 billing_error, named plainly, counted, never retried
// or cooled down here, and never worked around by changing what a request says about its client.
import { ApiError } from "@clawbridge/openai";

interface Refusal {
  code: string;
  pattern: RegExp;
}

// The wording users report from Anthropic's API, and the CLI's own for the long-context one.
const REFUSALS: readonly Refusal[] = [
  { code: "extra_usage_required", pattern: /third-party apps now draw from (your )?extra usage/i },
  { code: "extra_usage_required", pattern: /extra usage is required|usage credits required/i },
  { code: "extra_usage_exhausted", pattern: /out of extra usage/i },
];

const OPTIONS =
  "Options: turn on extra usage for the account (claude.ai/settings/usage), set an Anthropic API key as a metered " +
  "fallback (FALLBACK_ANTHROPIC_API_KEY), or use Option 1 (the setup token straight in OpenClaw); see " +
  'docs/operations.md, "Billing refusals"';

export class BillingRefusals {
  /** Refusals since start, by code. */
  readonly counts = new Map<string, number>();
  /** When the last one came (epoch milliseconds). */
  lastAt: number | undefined;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The 402 for a run that ended on a billing refusal (counted), or undefined for any other end. */
  check(cliText: string): ApiError | undefined {
    const anthropic = anthropicMessage(cliText);
    const refusal = REFUSALS.find(({ pattern }) => pattern.test(anthropic));
    if (!refusal) return undefined;
    this.counts.set(refusal.code, (this.counts.get(refusal.code) ?? 0) + 1);
    this.lastAt = this.now();
    // no "rate limit", "try again" or a period's name here: OpenClaw would take the 402 for a rate limit
    const message = `Anthropic refused this request on billing grounds: "${anthropic}" This is Anthropic's decision about the account, so maxapi does not repeat the request. ${OPTIONS}.`;
    return new ApiError(402, "billing_error", refusal.code, message);
  }
}

/** Anthropic's own sentence out of the CLI's "API Error: 400 …" text (the JSON body, when it quotes one). */
function anthropicMessage(cliText: string): string {
  const start = cliText.indexOf("{");
  if (start !== -1) {
    try {
      const body = JSON.parse(cliText.slice(start)) as { error?: { message?: unknown } };
      if (typeof body.error?.message === "string") return body.error.message;
    } catch {
      // not JSON after all: the text as it is
    }
  }
  return cliText.replace(/^API Error:\s*(\d{3}\s+)?/, "").trim();
}
