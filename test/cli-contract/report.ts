// The contract check's result as a short text report: the verdict, what changed (new event types,
// fields gone or with another type, values maxapi branches on, new fields), and what each --model
// name reaches Anthropic as. With a baseline (the pinned CLI run the same way), differences the
// baseline shows too are set apart: they come from the recordings' own setup or an older mock, not
// from the CLI under test.
import { dirname, relative } from "node:path";
import { MODELS } from "@clawbridge/models";
import { describe, failures, ROOT, unchecked, type CheckResult } from "./check.ts";
import type { Difference, DifferenceKind } from "./shape.ts";

/** The exact ids the model table knows: a name reaching Anthropic as another id must be one of them. */
const KNOWN_IDS = new Set(MODELS.map((model) => model.id));

interface Grouped {
  difference: Difference;
  text: string;
  scenarios: string[];
}

const SECTIONS: readonly { title: string; kinds: readonly DifferenceKind[]; newType?: boolean }[] = [
  { title: "New event types (in no recording)", kinds: ["kind new"], newType: true },
  { title: "Event types new in a scenario (known from other recordings)", kinds: ["kind new"], newType: false },
  { title: "Event types gone", kinds: ["kind gone"] },
  { title: "Fields gone", kinds: ["field gone"] },
  { title: "Fields whose type changed", kinds: ["type changed"] },
  { title: "Values maxapi branches on", kinds: ["value changed"] },
  { title: "Lines that are not JSON", kinds: ["unreadable line"] },
  { title: "New fields (nothing reads them yet)", kinds: ["field new"] },
];

/** A file as the repository sees it (`test/fixtures/cli/ok.jsonl`, `../shared/...`); absolute further away. */
const path = (file: string) => {
  const near = relative(ROOT, file);
  return near.startsWith("../../") ? file : near;
};

/** Whether `field` lies inside `outer` (an object's field, an element's, an entry's). */
const inside = (field: string, outer: string) =>
  field.length > outer.length && field.startsWith(outer) && /^[.[{]/.test(field.slice(outer.length));

/**
 * Each distinct difference once, with the scenarios it appeared in. A field new or gone inside one
 * that is new or gone itself is counted into it, not listed: `unifiedWindows new (object, 8 fields inside)`.
 */
function group(result: CheckResult, keep: (scenario: string, text: string) => boolean): Grouped[] {
  const groups = new Map<string, Grouped>();
  for (const { scenario, comparisons } of result.results) {
    for (const { differences } of comparisons) {
      for (const difference of differences) {
        const text = describe(difference);
        if (!keep(scenario.fixture, text)) continue;
        const entry = groups.get(text) ?? { difference, text, scenarios: [] };
        if (!entry.scenarios.includes(scenario.fixture)) entry.scenarios.push(scenario.fixture);
        groups.set(text, entry);
      }
    }
  }
  const all = [...groups.values()];
  const nested = (a: Difference, b: Difference) =>
    a.kind === b.kind && a.line === b.line && inside(a.field ?? "", b.field ?? "\0");
  return all
    .filter(
      ({ difference }) =>
        !(difference.kind === "field new" || difference.kind === "field gone") ||
        !all.some((other) => nested(difference, other.difference)),
    )
    .map((entry) => {
      if (entry.difference.kind !== "field new" && entry.difference.kind !== "field gone") return entry;
      const children = all.filter((other) => nested(other.difference, entry.difference));
      if (children.length === 0) return entry;
      // a field maxapi reads inside one it does not (event.message.id in event.message) keeps it breaking
      const breaking = entry.difference.breaking || children.some((child) => child.difference.breaking);
      const scenarios = [...new Set([...entry.scenarios, ...children.flatMap((child) => child.scenarios)])];
      const text = entry.text.replace(/\)$/, `, ${children.length} field${children.length === 1 ? "" : "s"} inside)`);
      return { difference: { ...entry.difference, breaking }, text, scenarios };
    });
}

function where(scenarios: string[], total: number): string {
  if (scenarios.length === total && total > 3) return `all ${total} scenarios`;
  const shown = scenarios.slice(0, 6).join(", ");
  return scenarios.length > 6 ? `${shown} and ${scenarios.length - 6} more` : shown;
}

function sections(groups: Grouped[], result: CheckResult, total: number, indent: string): string[] {
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const entries = groups.filter(
      ({ difference }) =>
        section.kinds.includes(difference.kind) &&
        (section.newType === undefined || section.newType === !result.recordedKinds.has(difference.line)),
    );
    if (entries.length === 0 && section.newType === false) continue;
    if (entries.length === 0 && section.kinds.includes("unreadable line")) continue;
    lines.push(`${indent}${section.title}: ${entries.length === 0 ? "none" : ""}`.trimEnd());
    for (const { difference, text, scenarios } of entries) {
      lines.push(`${indent}  ${difference.breaking ? "BREAKS maxapi: " : ""}${text}  [${where(scenarios, total)}]`);
    }
  }
  return lines;
}

/** What fails the check, each breaking difference once with its scenarios. */
function verdict(result: CheckResult, total: number): string[] {
  const broken = group(result, () => true).filter(({ difference }) => difference.breaking);
  return [...unchecked(result), ...broken.map(({ text, scenarios }) => `${text}  [${where(scenarios, total)}]`)].map(
    (line) => `  - ${line}`,
  );
}

/** Problems listed under the verdict; the rest are in the sections below. */
const VERDICT_LINES = 12;

/** The identical copies, a line per folder. */
function copies(result: CheckResult): string[] {
  const folders = new Map<string, string[]>();
  for (const { recording } of result.copies) {
    const folder = path(dirname(recording.file));
    folders.set(folder, [...(folders.get(folder) ?? []), recording.name]);
  }
  return [...folders].map(([folder, names]) => `  identical copies in ${folder}/, compared once: ${names.join(", ")}`);
}

/** The report of `result`; `baseline`: the same check run on the pinned CLI, to set its differences apart. */
export function formatReport(result: CheckResult, baseline?: CheckResult): string {
  const problems = failures(result);
  const total = result.results.length;
  const failing = verdict(result, total);
  // what the baseline shows per scenario: the recordings' setup, not the CLI under test
  const known = new Map<string, Set<string>>();
  for (const { scenario, comparisons } of baseline?.results ?? []) {
    known.set(scenario.fixture, new Set(comparisons.flatMap(({ differences }) => differences.map(describe))));
  }
  const against = baseline ? ` and ${baseline.version} (${path(baseline.cli)}) run the same way` : "";
  const lines = [
    `Claude Code CLI contract check: ${result.version} (${path(result.cli)})`,
    `Compared with: the recorded transcripts${against}.`,
    problems.length === 0
      ? `Verdict: PASS. Nothing maxapi reads from the CLI's stream-json changed.`
      : `Verdict: FAIL. ${failing.length} problem${failing.length === 1 ? "" : "s"} (what maxapi reads changed, or a recording went unchecked):`,
    ...(failing.length > VERDICT_LINES
      ? [...failing.slice(0, VERDICT_LINES), `  ... and ${failing.length - VERDICT_LINES} more, below`]
      : failing),
    "",
    `Scenarios: ${total} replayed against the mock Anthropic API, ${result.skipped.length} skipped, ${result.copies.length} recordings identical to a replayed one.`,
    ...result.results.map(({ scenario, run, comparisons }) => {
      const texts = comparisons.flatMap(({ differences }) => differences.map(describe));
      const changes = texts.filter((text) => !known.get(scenario.fixture)?.has(text)).length;
      const shape =
        texts.length === 0
          ? "same shape as recorded"
          : `${texts.length} difference${texts.length === 1 ? "" : "s"} from the recording`;
      const requests = `${run.models.length} request${run.models.length === 1 ? " " : "s"}`;
      return `  ${scenario.fixture.padEnd(28)} exit ${String(run.code ?? run.signal).padEnd(4)} ${requests}  ${shape}${baseline ? `, ${changes} not in ${baseline.version}` : ""}`;
    }),
    ...result.skipped.map(({ recording, reason }) => `  skipped ${path(recording.file)}: ${reason}`),
    ...copies(result),
    "",
  ];

  const fresh = group(result, (scenario, text) => !known.get(scenario)?.has(text));
  const old = baseline ? group(result, (scenario, text) => known.get(scenario)?.has(text) ?? false) : [];
  lines.push(
    baseline
      ? `Changes in ${result.version} (${baseline.version} does not show them):`
      : "Differences from the recordings:",
  );
  lines.push(...sections(fresh, result, total, "  "), "");

  if (result.models.length > 0) {
    const base = new Map(baseline?.models.map(({ name, sent }) => [name, sent]));
    lines.push("What each --model reaches Anthropic as:");
    lines.push(`  ${"--model".padEnd(20)}${baseline ? baseline.version.padEnd(22) : ""}${result.version}`);
    for (const { name, sent } of result.models) {
      const before = base.get(name);
      const unknown =
        sent !== undefined && !KNOWN_IDS.has(sent)
          ? sent === name
            ? "sent as written, not in lib/models"
            : "not in lib/models"
          : "";
      const notes = [baseline && before !== sent ? "changed" : "", unknown].filter(Boolean);
      lines.push(
        `  ${name.padEnd(20)}${baseline ? (before ?? "(no request)").padEnd(22) : ""}${(sent ?? "(no request)").padEnd(22)}${notes.join(", ")}`.trimEnd(),
      );
    }
    const unknown = [
      ...new Set(
        result.models.flatMap(({ name, sent }) =>
          sent !== undefined && sent !== name && !KNOWN_IDS.has(sent) ? [sent] : [],
        ),
      ),
    ];
    if (unknown.length > 0)
      lines.push(
        `  An alias now runs a model lib/models/src/table.ts does not list (${unknown.join(", ")}): add it there, so that it can be chosen and named.`,
      );
    lines.push("");
  }

  if (old.length > 0) {
    lines.push(
      `Differences from the recordings that ${baseline?.version ?? ""} shows as well (the recordings' own setup or an older mock, not the CLI):`,
    );
    for (const { difference, text, scenarios } of old)
      lines.push(`  ${difference.breaking ? "BREAKS maxapi: " : ""}${text}  [${where(scenarios, total)}]`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
