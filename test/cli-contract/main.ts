// The CLI contract check from the command line (`make cli-contract`):
//   node test/cli-contract/main.ts [--claude PATH] [--baseline PATH] [--report FILE]
// --claude: the CLI binary to check (default: the pinned one, node_modules/.bin/claude);
// --baseline: a second binary run the same way, whose own differences are set apart in the report;
// --report: also write the report there. Exit 0: the contract holds; 1: it is broken; 2: bad usage.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { failures, PINNED_CLI, runCheck } from "./check.ts";
import { formatReport } from "./report.ts";

const options = { claude: { type: "string" }, baseline: { type: "string" }, report: { type: "string" } } as const;
let values: { claude?: string; baseline?: string; report?: string };
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  process.stderr.write(
    `${(error as Error).message}\nusage: node test/cli-contract/main.ts [--claude PATH] [--baseline PATH] [--report FILE]\n`,
  );
  process.exit(2);
}

const claude = values.claude ?? PINNED_CLI;
const result = await runCheck(claude);
const baseline = values.baseline === undefined ? undefined : await runCheck(values.baseline);
const report = formatReport(result, baseline);
process.stdout.write(report);
if (values.report !== undefined) writeFileSync(values.report, report);
process.exitCode = failures(result).length === 0 ? 0 : 1;
