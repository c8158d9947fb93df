import { describe, expect, it } from "vitest";
import { stripAnsi } from "../../../services/verify/src/json.ts";
import { fail, ok, skip } from "../../../services/verify/src/row.ts";
import { passed, renderSummary, renderTable } from "../../../services/verify/src/table.ts";

const rows = [
  ok("service maxapi", "running, healthy"),
  fail("service gateway", "exited (exit code 1), not running", "docker compose up -d gateway"),
  skip("channels", "none configured"),
];

describe("renderTable", () => {
  it("prints a header, a rule and one aligned line per row: check | result | detail | fix", () => {
    const lines = renderTable(rows).trimEnd().split("\n");
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[0]).toMatch(/^CHECK +\| RESULT \| DETAIL +\| FIX$/);
    expect(lines[2]).toBe("service maxapi  | ok     | running, healthy");
    expect(lines[3]).toBe(
      "service gateway | FAIL   | exited (exit code 1), not running | docker compose up -d gateway",
    );
    expect(lines[4]).toBe("channels        | skip   | none configured");
    // the columns line up: the result column starts at the same place on every line
    expect(new Set(lines.filter((_, i) => i !== 1).map((line) => line.indexOf(" | ")))).toEqual(new Set([15]));
  });

  it("is plain text unless colour is asked for", () => {
    expect(renderTable(rows)).not.toContain("\u001b[");
    const coloured = renderTable(rows, { colour: true });
    expect(coloured).toContain("\u001b[1;31mFAIL");
    expect(stripAnsi(coloured)).toBe(renderTable(rows));
  });

  it("keeps every row on one line: newlines and the column separator inside a cell are replaced", () => {
    const out = renderTable([fail("agent turn (main)", "All models failed (2): a | b\nsecond line", "fix\nit")]);
    expect(out.trimEnd().split("\n")).toHaveLength(3);
    expect(out).toContain("All models failed (2): a / b second line | fix it");
  });
});

describe("renderSummary and passed", () => {
  it("counts the results; skips do not fail", () => {
    expect(renderSummary(rows)).toBe("verify: 1 check failed (1 ok, 1 FAIL, 1 skip); see FIX\n");
    expect(passed(rows)).toBe(false);
    const good = rows.filter((row) => row.status !== "FAIL");
    expect(renderSummary(good)).toBe("verify: all checks passed (1 ok, 0 FAIL, 1 skip)\n");
    expect(passed(good)).toBe(true);
  });
});
