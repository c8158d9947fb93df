// The subscription's limits as maxapi knows them: GET <NORMALIZER_URL>/limits (maxapi's /v1/limits
// through the normalizer, behind PROXY_API_KEY; from a gateway host, the proxy host's). They give a
// spent window's reset to the second, and the events notices tell of. Without them (setup-token mode,
// the proxy host unreachable) the refusal's own words give the reset to the minute.
import type { LimitsReport } from "@clawbridge/limits";

export type { LimitsReport };
export type ReadLimits = () => Promise<LimitsReport | undefined>;

/** Each window's reset (epoch ms), as far as the report gives one. */
export function resetsOf(report: LimitsReport | undefined): Map<string, number> {
  const resets = new Map<string, number>();
  for (const { window, resetsAt } of report?.windows ?? []) {
    const at = resetsAt === null ? NaN : Date.parse(resetsAt);
    if (Number.isFinite(at)) resets.set(window, at);
  }
  return resets;
}

/** undefined: nothing to ask (no normalizer URL). */
export function limitsReader(
  normalizerUrl: string | undefined,
  apiKey: string | undefined,
  fetchFn: typeof fetch = fetch,
): ReadLimits {
  if (!normalizerUrl) return () => Promise.resolve(undefined);
  const url = `${normalizerUrl.replace(/\/+$/, "")}/limits`;
  return async () => {
    const response = await fetchFn(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url} answered ${response.status}`);
    }
    const report = (await response.json()) as Partial<LimitsReport>;
    if (!Array.isArray(report.windows) || !report.extraUsage || !report.billing)
      throw new Error(`${url} answered without windows, extra usage and billing: is maxapi older than this catch-up?`);
    return report as LimitsReport;
  };
}
