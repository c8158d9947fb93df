// The contract check's comparison (test/cli-contract/shape.ts) on recordings altered by hand: it
// must report each kind of change, mark as breaking exactly what maxapi reads, and stay quiet about
// what differs from run to run. Also its bookkeeping of recordings (check.ts) and of .env
// (claude-code.ts). No CLI runs here; test/integration/cli-contract.test.ts runs the real one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { failures, runCheck, type CheckResult } from "../../cli-contract/check.ts";
import { readSetting, writeSetting } from "../../cli-contract/claude-code.ts";
import { formatReport } from "../../cli-contract/report.ts";
import { compareShapes, lineKind, outputShape, type Difference } from "../../cli-contract/shape.ts";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/cli/${name}.jsonl`, import.meta.url), "utf8");
type Line = Record<string, unknown> & {
  type: string;
  event?: Record<string, unknown> & { delta?: Record<string, unknown> };
};
const lines = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
const join_ = (parsed: Line[]) => parsed.map((line) => JSON.stringify(line)).join("\n");
/** The recording with `change` applied to every line (return undefined to drop a line). */
const altered = (name: string, change: (line: Line) => Line | undefined) =>
  join_(lines(fixture(name)).flatMap((line) => change(structuredClone(line)) ?? []));
const diff = (name: string, change: (line: Line) => Line | undefined) =>
  compareShapes(outputShape(fixture(name)), outputShape(altered(name, change)));
const brief = (differences: Difference[]) =>
  differences.map(({ kind, line, field, breaking }) => ({ kind, line, field, breaking }));

describe("the shape of stream-json lines", () => {
  it("names each kind of line by its type, subtype, event, block and delta types", () => {
    expect(lines(fixture("tool-turn-two-calls")).map(lineKind)).toEqual(
      expect.arrayContaining([
        "system init",
        "stream_event message_start",
        "stream_event content_block_start text",
        "stream_event content_block_start tool_use",
        "stream_event content_block_delta input_json_delta",
        "system permission_denied",
        "rate_limit_event",
        "result error_max_turns",
      ]),
    );
  });

  it("a recording compared with itself, or with another run's values, has no differences", () => {
    for (const name of ["ok", "thinking", "tool-turn-two-calls", "usage-limit-5h", "max-tokens-resumed"]) {
      expect(compareShapes(outputShape(fixture(name)), outputShape(fixture(name)))).toEqual([]);
    }
    // other ids, texts, counts and an order of lines of its own: the same contract
    const shuffled = diff("ok", (line) => {
      if (line.event?.delta?.type === "text_delta") line.event.delta.text = "something else entirely";
      if (typeof line.session_id === "string") line.session_id = "another-session";
      if (line.type === "result") line.duration_ms = 99_999;
      return line;
    });
    expect(shuffled).toEqual([]);
    const reordered = lines(fixture("ok")).reverse();
    expect(compareShapes(outputShape(fixture("ok")), outputShape(join_(reordered)))).toEqual([]);
  });

  it("model ids as keys (modelUsage) and empty lists say nothing about the fields", () => {
    expect(
      diff("ok", (line) => {
        if (line.type !== "result") return line;
        const usage = line.modelUsage as Record<string, unknown>;
        line.modelUsage = { "claude-opus-6-0": usage["claude-opus-5-5"] };
        return line;
      }),
    ).toEqual([]);
    // an error's result has modelUsage {} and iterations []: no "field gone" for their elements
    expect(
      compareShapes(outputShape(fixture("ok")), outputShape(fixture("not-logged-in"))).filter((d) =>
        /modelUsage\{\}|iterations\[\]/.test(d.field ?? ""),
      ),
    ).toEqual([]);
  });
});

describe("a deliberately altered recording: each change is reported, breaking where maxapi reads it", () => {
  it("a text delta without its text, and a result whose is_error became a string, break maxapi", () => {
    const differences = diff("ok", (line) => {
      if (line.event?.delta?.type === "text_delta") delete line.event.delta.text;
      if (line.type === "result") line.is_error = "false";
      return line;
    });
    expect(brief(differences)).toEqual(
      expect.arrayContaining([
        {
          kind: "field gone",
          line: "stream_event content_block_delta text_delta",
          field: "event.delta.text",
          breaking: true,
        },
        { kind: "type changed", line: "result success", field: "is_error", breaking: true },
      ]),
    );
    expect(differences.find((d) => d.kind === "type changed")).toMatchObject({ was: "boolean", now: "string" });
  });

  it("a new event type and a new field are reported and break nothing", () => {
    const differences = diff("ok", (line) => {
      if (line.type === "result") return { ...line, sandbox_enabled: false };
      return line;
    });
    const added = compareShapes(
      outputShape(fixture("ok")),
      outputShape(`${fixture("ok")}\n{"type":"telemetry","subtype":"span","name":"x"}\n`),
    );
    expect(brief([...differences, ...added])).toEqual([
      { kind: "field new", line: "result success", field: "sandbox_enabled", breaking: false },
      { kind: "kind new", line: "telemetry span", field: undefined, breaking: false },
    ]);
  });

  it("a gone rate_limit_event, another terminal_reason and a field maxapi ignores", () => {
    const differences = diff("usage-limit-5h", (line) => {
      if (line.type === "rate_limit_event") return undefined;
      if (line.type === "result") {
        line.api_error = "window_spent";
        delete line.fast_mode_state;
      }
      return line;
    });
    expect(brief(differences)).toEqual([
      { kind: "kind gone", line: "rate_limit_event", field: undefined, breaking: true },
      { kind: "field gone", line: "result success", field: "fast_mode_state", breaking: false },
      { kind: "value changed", line: "result success", field: "api_error", breaking: true },
    ]);
    expect(differences.at(-1)).toMatchObject({ was: '"usage_limit_reached"', now: '"window_spent"' });
  });

  it("a line split in two (2.1.74's rate_limit_event mid-line) is a line that is not JSON", () => {
    const text = fixture("ok").replace('"type":"result"', '"type":"re\nsult"');
    expect(
      compareShapes(outputShape(fixture("ok")), outputShape(text)).filter((d) => d.kind === "unreadable line"),
    ).toHaveLength(2);
  });
});

describe("the report", () => {
  it("counts fields inside a gone one into it, and stays breaking for a read field inside an unread one", () => {
    const differences = diff("ok", (line) => {
      if (line.event?.type === "message_start") delete line.event.message;
      return line;
    });
    expect(differences.filter((d) => d.breaking).map((d) => d.field)).toEqual(
      expect.arrayContaining(["event.message.id", "event.message.model"]),
    );
    const recording = { name: "ok", file: "/x/ok.jsonl", text: fixture("ok") };
    const run = { stdout: "", stderr: "", code: 0, signal: null, timedOut: false, models: ["claude-opus-5-5"] };
    const result: CheckResult = {
      cli: "/x/claude",
      version: "9.9.9",
      results: [{ scenario: { fixture: "ok", mode: "ok" }, run, comparisons: [{ recording, differences }] }],
      skipped: [],
      copies: [],
      unaccounted: [],
      orphans: [],
      recordedKinds: new Set(outputShape(fixture("ok")).kinds.keys()),
      models: [{ name: "opus", sent: "claude-opus-6-0" }],
    };
    const report = formatReport(result);
    expect(report).toMatch(/^Verdict: FAIL\. 1 problem \(what maxapi reads changed/m);
    expect(report).toMatch(
      / {2}- stream_event message_start: event\.message gone \(was object, \d+ fields inside\) {2}\[ok\]/,
    );
    expect(report).toMatch(/opus\s+claude-opus-6-0\s+not in lib\/models/);
  });
});

describe("every recording is replayed or skipped with a reason", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-fixtures-"));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it("a new recording without a scenario fails the check; a reason in SKIPPED or an identical copy does not", async () => {
    const one = folder({ "brand-new.jsonl": fixture("ok"), "known.jsonl": fixture("ok") });
    const copy = folder({ "known.jsonl": fixture("ok") });
    const options = {
      fixtureDirs: [one, copy],
      scenarios: [],
      models: false,
      skipped: { known: "needs a real account" },
    } as const;
    const result = await runCheck("/nonexistent/claude", options);
    expect(result.unaccounted.map((recording) => recording.name)).toEqual(["brand-new"]);
    expect(result.skipped.map(({ recording, reason }) => [recording.name, reason])).toEqual([
      ["known", "needs a real account"],
    ]);
    expect(result.copies.map(({ recording }) => recording.file)).toEqual([join(copy, "known.jsonl")]);
    expect(failures(result)).toEqual([
      expect.stringMatching(/brand-new\.jsonl: a recording without a scenario/) as unknown,
    ]);
    expect(formatReport(result)).toMatch(/Verdict: FAIL/);
  });

  it("a scenario whose recording is gone fails the check", async () => {
    const result = await runCheck("/nonexistent/claude", {
      fixtureDirs: [folder({})],
      scenarios: [{ fixture: "ok", mode: "ok" }],
      models: false,
    });
    expect(failures(result)).toEqual([expect.stringMatching(/^scenario ok: no recording ok\.jsonl/) as unknown]);
  });
});

describe("CLAUDE_CODE_VERSION in .env", () => {
  it("is replaced where it stands, added when missing, everything else kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-env-"));
    try {
      const file = join(dir, ".env");
      writeFileSync(file, "# comment\nA=1\nCLAUDE_CODE_VERSION=\nB=2\n");
      expect(readSetting(file, "CLAUDE_CODE_VERSION")).toBe("");
      writeSetting(file, "CLAUDE_CODE_VERSION", "2.1.332");
      expect(readFileSync(file, "utf8")).toBe("# comment\nA=1\nCLAUDE_CODE_VERSION=2.1.332\nB=2\n");
      writeFileSync(file, "A=1");
      expect(readSetting(file, "CLAUDE_CODE_VERSION")).toBeUndefined();
      writeSetting(file, "CLAUDE_CODE_VERSION", "2.1.332");
      expect(readFileSync(file, "utf8")).toBe("A=1\nCLAUDE_CODE_VERSION=2.1.332\n");
      expect(readSetting(join(dir, "missing"), "CLAUDE_CODE_VERSION")).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
