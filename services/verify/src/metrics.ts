// maxapi's /metrics (Prometheus text, as prom-client prints it), read once inside maxapi's container
// after the other checks have finished, for three rows: the warm pool (warm-pool.ts), the
// subscription's usage windows and the billing refusals (usage.ts).
import { metricsProbe } from "@clawbridge/limits";
import { PORTS } from "@clawbridge/settings";
import type { Commands } from "./commands.ts";
import { runFailure, type RunResult } from "./compose.ts";
import { clip } from "./json.ts";

/** Prints the HTTP status on the first line, then the body (after status 0: why there was no answer). */
export const METRICS_SCRIPT = metricsProbe(PORTS.maxapi);

export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface Metrics {
  samples: Sample[];
  /** Names with a `# HELP` or `# TYPE` line: maxapi knows them, even with no sample yet. */
  declared: Set<string>;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?[ \\t]+(\\S+)(?:[ \\t]+-?\\d+)?[ \\t]*$`);
const DECLARATION = new RegExp(`^#[ \\t]+(?:HELP|TYPE)[ \\t]+(${NAME})`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"/g;

const unescape = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));

function sampleValue(text: string): number {
  if (/^\+?Inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-Inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return text === "" ? Number.NaN : Number(text);
}

/** Every sample (labels and decimals included) and every declared name; other lines are ignored. */
export function parseMetrics(text: string): Metrics {
  const samples: Sample[] = [];
  const declared = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const declaration = DECLARATION.exec(line);
    if (declaration?.[1]) {
      declared.add(declaration[1]);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(LABEL)) if (label[1]) labels[label[1]] = unescape(label[2] ?? "");
    samples.push({ name: match[1], labels, value: sampleValue(match[3]) });
  }
  return { samples, declared };
}

/** maxapi knows the name: it is declared or has a sample. */
export const knows = (metrics: Metrics, name: string): boolean =>
  metrics.declared.has(name) || metrics.samples.some((s) => s.name === name);

/** The value of the sample without labels, when there is one and it is a number. */
export function unlabelled(metrics: Metrics, name: string): number | undefined {
  const sample = metrics.samples.find((s) => s.name === name && Object.keys(s.labels).length === 0);
  return sample && Number.isFinite(sample.value) ? sample.value : undefined;
}

/** label value → sample value for one name (numbers only; the last one wins). */
export function byLabel(metrics: Metrics, name: string, label: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const sample of metrics.samples) {
    const key = sample.labels[label];
    if (sample.name === name && key !== undefined && Number.isFinite(sample.value)) values.set(key, sample.value);
  }
  return values;
}

export const OUTDATED = "its image is older than this checkout";

/** What the probe read: the metrics, or why there are none and what to do about it. */
export type MetricsProbe = { metrics: Metrics } | { problem: string; fix: string };

/** The probe's output (status line, then the body) read. */
export function readProbe(result: RunResult, dc: Commands): MetricsProbe {
  const logs = dc.logs("maxapi", 50);
  if (result.code !== 0) return { problem: `could not read maxapi's /metrics: ${runFailure(result)}`, fix: logs };
  const [statusLine = "", ...rest] = result.stdout.split("\n");
  const status = Number(statusLine);
  const body = rest.join("\n");
  if (status === 404) return { problem: `maxapi has no /metrics: ${OUTDATED}`, fix: dc.rebuild("maxapi") };
  if (status !== 200)
    return { problem: `maxapi's /metrics: ${status === 0 ? clip(body, 200) : `HTTP ${status}`}`, fix: logs };
  return { metrics: parseMetrics(body) };
}
