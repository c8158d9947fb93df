// The CLI contract check: every recorded transcript of the CLI replayed against a given binary and
// the mock (scenarios.ts says how), each run's shape compared with its recording (shape.ts), and
// what each `--model` name reaches Anthropic as.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAMILIES, FAMILY_FACTS } from "@clawbridge/models";
import { cliVersion, pooled, runCli, type RunOutput } from "./replay.ts";
import { SCENARIOS, SKIPPED, type Scenario } from "./scenarios.ts";
import { compareShapes, outputShape, type Difference } from "./shape.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The pinned CLI, as `npm ci` installs it. */
export const PINNED_CLI = join(ROOT, "node_modules/.bin/claude");
/** The repository's recordings, and the originals beside the repository where they are (not in CI). */
export const FIXTURE_DIRS = [join(ROOT, "test/fixtures/cli"), join(ROOT, "../shared/fixtures/claude-cli-2.1.330")];

/**
 * Names given to `--model`: the CLI's aliases (shared notes, models-and-cli.md), what maxapi gives
 * for each family (lib/models), and a full id, which must reach Anthropic as written. What each
 * reaches the mock as is reported, not judged.
 */
export const MODEL_NAMES: readonly string[] = [
  ...new Set([
    "opus",
    "sonnet",
    "haiku",
    "fable",
    "mythos",
    "best",
    "opusplan",
    "default",
    ...FAMILIES.map((family) => FAMILY_FACTS[family].cliArgument),
    "claude-opus-4-8",
  ]),
];

export interface Recording {
  /** The file name without .jsonl: the scenario it needs. */
  name: string;
  file: string;
  text: string;
}

export interface Comparison {
  recording: Recording;
  differences: Difference[];
}

export interface ScenarioResult {
  scenario: Scenario;
  run: RunOutput;
  comparisons: Comparison[];
}

export interface CheckResult {
  cli: string;
  version: string;
  results: ScenarioResult[];
  /** Recordings not replayed, with the reason. */
  skipped: { recording: Recording; reason: string }[];
  /** Byte-identical copies of a replayed recording (the shared originals of test/fixtures/cli). */
  copies: { recording: Recording; of: Recording }[];
  /** Recordings with neither a scenario nor a reason to skip them: the check fails. */
  unaccounted: Recording[];
  /** Scenarios whose recording is missing: the check fails. */
  orphans: Scenario[];
  /** Kinds of line that some recording has. */
  recordedKinds: Set<string>;
  /** What each of MODEL_NAMES reached the mock as (undefined: no request). */
  models: { name: string; sent: string | undefined }[];
}

export interface CheckOptions {
  fixtureDirs?: readonly string[];
  scenarios?: readonly Scenario[];
  skipped?: Readonly<Record<string, string>>;
  /** CLI processes at once (each is mostly its ~0.3-1 s start-up). */
  concurrency?: number;
  /** Whether to find out what each model name reaches Anthropic as. */
  models?: boolean;
}

/** Every *.jsonl of the folders that exist, sorted by name. */
export function readRecordings(dirs: readonly string[]): Recording[] {
  return dirs
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith(".jsonl"))
        .sort()
        .map((file) => ({
          name: basename(file, ".jsonl"),
          file: join(dir, file),
          text: readFileSync(join(dir, file), "utf8"),
        })),
    );
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex");

export async function runCheck(claude: string, options: CheckOptions = {}): Promise<CheckResult> {
  const scenarios = options.scenarios ?? SCENARIOS;
  const skip = options.skipped ?? SKIPPED;
  const recordings = readRecordings(options.fixtureDirs ?? FIXTURE_DIRS);
  const names = new Set(scenarios.map((scenario) => scenario.fixture));

  // a copy identical to a recording already taken is reported once, as a copy
  const seen = new Map<string, Recording>();
  const copies: CheckResult["copies"] = [];
  const distinct: Recording[] = [];
  for (const recording of recordings) {
    const key = `${recording.name}\n${digest(recording.text)}`;
    const first = seen.get(key);
    if (first) copies.push({ recording, of: first });
    else {
      seen.set(key, recording);
      distinct.push(recording);
    }
  }
  const skipped = distinct.flatMap((recording) => {
    const reason = skip[recording.name];
    return reason !== undefined && !names.has(recording.name) ? [{ recording, reason }] : [];
  });
  const unaccounted = distinct.filter((recording) => !names.has(recording.name) && skip[recording.name] === undefined);
  const orphans = scenarios.filter((scenario) => !distinct.some((recording) => recording.name === scenario.fixture));
  const recordedKinds = new Set(distinct.flatMap((recording) => [...outputShape(recording.text).kinds.keys()]));

  const concurrency = options.concurrency ?? 2;
  const replayed = scenarios.filter((scenario) => !orphans.includes(scenario));
  const results = await pooled(replayed, concurrency, async (scenario): Promise<ScenarioResult> => {
    const run = await runCli(claude, scenario);
    const shape = outputShape(run.stdout);
    const comparisons = distinct
      .filter((recording) => recording.name === scenario.fixture)
      .map((recording) => ({ recording, differences: compareShapes(outputShape(recording.text), shape) }));
    return { scenario, run, comparisons };
  });
  const models =
    options.models === false
      ? []
      : await pooled(MODEL_NAMES, concurrency, async (name) => ({
          name,
          sent: (await runCli(claude, { mode: "ok", model: name })).models[0],
        }));
  return {
    cli: claude,
    version: await cliVersion(claude),
    results,
    skipped,
    copies,
    unaccounted,
    orphans,
    recordedKinds,
    models,
  };
}

/** The check's own failures: a recording left unchecked, a scenario without its recording, a run that hung. */
export function unchecked(result: CheckResult): string[] {
  return [
    ...result.unaccounted.map(
      (recording) =>
        `${recording.file}: a recording without a scenario (add one to test/cli-contract/scenarios.ts, or a reason to SKIPPED)`,
    ),
    ...result.orphans.map(
      (scenario) => `scenario ${scenario.fixture}: no recording ${scenario.fixture}.jsonl in ${FIXTURE_DIRS[0] ?? ""}`,
    ),
    ...result.results
      .filter(({ run }) => run.timedOut)
      .map(({ scenario }) => `${scenario.fixture}: the CLI did not finish (killed after 30 s)`),
  ];
}

/** Everything that fails the check: its own failures, and each difference that breaks maxapi, per recording. */
export function failures(result: CheckResult): string[] {
  const broken = result.results.flatMap(({ comparisons }) =>
    comparisons.flatMap(({ recording, differences }) =>
      differences.filter((d) => d.breaking).map((d) => `${recording.name}: ${describe(d)}`),
    ),
  );
  return [...unchecked(result), ...broken];
}

/** One difference in a line of text: `result success: terminal_reason gone (was string)`. */
export function describe(d: Difference): string {
  const field = d.field === undefined ? "" : ` ${d.field}`;
  switch (d.kind) {
    case "kind new":
      return `new line ${d.line}`;
    case "kind gone":
      return `line ${d.line} gone`;
    case "field new":
      return `${d.line}:${field} new (${d.now ?? ""})`;
    case "field gone":
      return `${d.line}:${field} gone (was ${d.was ?? ""})`;
    case "type changed":
      return `${d.line}:${field} was ${d.was ?? ""}, now ${d.now ?? ""}`;
    case "value changed":
      return `${d.line}:${field} was ${d.was ?? ""}, now ${d.now ?? ""}`;
    case "unreadable line":
      return `a line that is not a JSON object: ${d.line}`;
  }
}
