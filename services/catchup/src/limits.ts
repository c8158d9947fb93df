// The resets maxapi knows to the second: GET <NORMALIZER_URL>/limits (maxapi's /v1/limits through
// the normalizer, behind PROXY_API_KEY; from a gateway host, the proxy host's). Without it (setup-token
// mode, the proxy host unreachable) the refusal's own words give the reset to the minute.
export type Resets = ReadonlyMap<string, number>;

interface LimitsReport {
  windows?: { window?: unknown; resetsAt?: unknown }[];
}

export function limitsReader(normalizerUrl: string | undefined, apiKey: string | undefined, fetchFn: typeof fetch = fetch): () => Promise<Resets> {
  if (!normalizerUrl) return () => Promise.resolve(new Map());
  const url = `${normalizerUrl.replace(/\/+$/, "")}/limits`;
  return async () => {
    const response = await fetchFn(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url} answered ${response.status}`);
    }
    const report = (await response.json()) as LimitsReport;
    const resets = new Map<string, number>();
    for (const { window, resetsAt } of report.windows ?? []) {
      const at = typeof resetsAt === "string" ? Date.parse(resetsAt) : NaN;
      if (typeof window === "string" && Number.isFinite(at)) resets.set(window, at);
    }
    return resets;
  };
}
