// The CLI contract check (test/cli-contract/) on the pinned Claude Code, node_modules/.bin/claude:
// every recorded transcript of test/fixtures/cli/ replayed against the in-process mock Anthropic API,
// and nothing maxapi reads may differ from the recordings. Then the same check fed a recording
// altered by hand, which it must fail. `make claude-code VERSION=...` runs this check on another
// release (docs/operations.md, "Moving to a newer Claude Code").
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { failures, PINNED_CLI, runCheck, type CheckResult } from "../cli-contract/check.ts";
import { formatReport } from "../cli-contract/report.ts";
import { SCENARIOS, SKIPPED } from "../cli-contract/scenarios.ts";
import { outputShape } from "../cli-contract/shape.ts";

const FIXTURES = new URL("../fixtures/cli/", import.meta.url);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the CLI contract on the pinned Claude Code", { timeout: 180_000 }, () => {
  let result: CheckResult;

  it("replays every recording against the mock, and nothing maxapi reads differs", async () => {
    result = await runCheck(PINNED_CLI);
    expect(failures(result), formatReport(result)).toEqual([]);
    // every recording in the repository was replayed or skipped with a reason
    const recorded = readdirSync(FIXTURES)
      .filter((file) => file.endsWith(".jsonl"))
      .map((file) => file.replace(/\.jsonl$/, ""));
    const replayed = result.results.map(({ scenario }) => scenario.fixture);
    expect([...replayed, ...Object.keys(SKIPPED)].sort()).toEqual(expect.arrayContaining(recorded.sort()));
    expect(replayed).toHaveLength(SCENARIOS.length);
    // each run ended as maxapi needs it to: with a result line
    for (const { scenario, run } of result.results) {
      expect(
        [...outputShape(run.stdout).kinds.keys()].filter((kind) => kind.startsWith("result ")),
        scenario.fixture,
      ).toHaveLength(1);
    }
  });

  it("reports what each --model name reaches Anthropic as: an alias its model, a full id itself", () => {
    const sent = Object.fromEntries(result.models.map(({ name, sent }) => [name, sent]));
    expect(sent.opus).toMatch(/^claude-opus-/);
    expect(sent.sonnet).toMatch(/^claude-sonnet-/);
    expect(sent.haiku).toMatch(/^claude-haiku-/);
    expect(sent["claude-opus-4-8"]).toBe("claude-opus-4-8");
    expect(formatReport(result)).toMatch(
      /What each --model reaches Anthropic as:\n\s+--model\s+\d+\.\d+\.\d+\n\s+opus\s+claude-opus-/,
    );
  });

  it("fails on a recording altered by hand: is_error a string, a field and a rate_limit_event the CLI never printed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-altered-"));
    dirs.push(dir);
    // the recording says what the CLI printed; the real CLI then prints something else
    const recording = readFileSync(new URL("ok.jsonl", FIXTURES), "utf8")
      .replace('"is_error":false', '"is_error":"no"')
      .replace('"type":"result",', '"type":"result","api_error":null,')
      .concat('{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","isUsingOverage":false}}\n');
    writeFileSync(join(dir, "ok.jsonl"), recording);
    const scenario = SCENARIOS.find((s) => s.fixture === "ok");
    if (!scenario) throw new Error("no scenario ok");

    const check = await runCheck(PINNED_CLI, { fixtureDirs: [dir], scenarios: [scenario], models: false });
    expect(failures(check).sort()).toEqual([
      "ok: line rate_limit_event gone",
      "ok: result success: api_error gone (was null)",
      'ok: result success: is_error was "no", now false',
      "ok: result success: is_error was string, now boolean",
    ]);
    expect(formatReport(check)).toMatch(
      /Verdict: FAIL\. 4 problems \(what maxapi reads changed[\s\S]*Event types gone:\n\s+BREAKS maxapi: line rate_limit_event gone {2}\[ok\]/,
    );
  });
});
