// verify's output: one line per check in aligned columns (CHECK, RESULT, DETAIL, FIX), then a
// summary. Colour only for a terminal (and not with NO_COLOR); plain text otherwise.
import type { Row, Status } from "./row.ts";

const HEADER = ["CHECK", "RESULT", "DETAIL", "FIX"] as const;
// Longer details are not cut, they just push that line's fix further right.
const MAX_DETAIL_WIDTH = 72;
const SEPARATOR = " | ";

const COLOURS: Record<Status, string> = { ok: "\u001b[32m", FAIL: "\u001b[1;31m", skip: "\u001b[33m" };
const RESET = "\u001b[0m";

// One line per row: no newlines inside a cell, and no separator that would split it.
const cell = (text: string) =>
  text
    .replace(/\s*\n\s*/g, " ")
    .replaceAll(SEPARATOR, " / ")
    .trim();

export function renderTable(rows: readonly Row[], options: { colour?: boolean } = {}): string {
  const lines = rows.map((row) => [cell(row.check), row.status, cell(row.detail), cell(row.fix)] as const);
  const width = (column: 0 | 1 | 2) => Math.max(HEADER[column].length, ...lines.map((line) => line[column].length));
  const widths = [width(0), width(1), Math.min(width(2), MAX_DETAIL_WIDTH)] as const;
  const format = (columns: readonly [string, string, string, string], status?: Status) => {
    const padded = [
      columns[0].padEnd(widths[0]),
      columns[1].padEnd(widths[1]),
      columns[2].padEnd(widths[2]),
      columns[3],
    ];
    if (status && options.colour) padded[1] = `${COLOURS[status]}${padded[1]}${RESET}`;
    return (columns[3] === "" ? padded.slice(0, 3) : padded).join(SEPARATOR).trimEnd();
  };
  const rule = [widths[0], widths[1], widths[2], HEADER[3].length].map((w) => "-".repeat(w)).join("-+-");
  return [format(HEADER), rule, ...lines.map((line, i) => format(line, rows[i]?.status))].join("\n") + "\n";
}

/** `15 ok, 1 FAIL, 2 skip` and what it means. */
export function renderSummary(rows: readonly Row[]): string {
  const count = (status: Status) => rows.filter((row) => row.status === status).length;
  const failed = count("FAIL");
  const counts = `${count("ok")} ok, ${failed} FAIL, ${count("skip")} skip`;
  return failed === 0
    ? `verify: all checks passed (${counts})\n`
    : `verify: ${failed} check${failed > 1 ? "s" : ""} failed (${counts}); see FIX\n`;
}

export const passed = (rows: readonly Row[]): boolean => rows.every((row) => row.status !== "FAIL");
