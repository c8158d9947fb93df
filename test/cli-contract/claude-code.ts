// `make claude-code VERSION=2.1.332`: moves the stack to another Claude Code release once it passed
// the contract check.
//   1. installs that release outside the repository (a cache folder per version, reused);
//   2. runs the contract check on it, and the same scenarios on the pinned CLI, so that the report
//      tells the new release's changes from what the recordings' setup explains;
//   3. writes the report (default /tmp/contract-<version>.txt) with what to do next;
//   4. passed: sets CLAUDE_CODE_VERSION in .env (the maxapi image installs that release when built;
//      empty for the tested version); failed: leaves .env as it is and exits 1.
// The tested version is the one services/maxapi/package.json pins (and package-lock.json locks):
// the default, and the CLI that `make test` checks. VERSION may be a dist-tag (latest, stable).
//   node test/cli-contract/claude-code.ts VERSION [--report FILE] [--env FILE]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { failures, PINNED_CLI, ROOT, runCheck } from "./check.ts";
import { cliVersion } from "./replay.ts";
import { formatReport } from "./report.ts";

const PACKAGE = "@anthropic-ai/claude-code";
const SETTING = "CLAUDE_CODE_VERSION";
const USAGE =
  "usage: make claude-code VERSION=<x.y.z | latest | stable>   (node test/cli-contract/claude-code.ts VERSION [--report FILE] [--env FILE])";

/** The tested version: the exact pin in services/maxapi/package.json. */
export function testedVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "services/maxapi/package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const pin = manifest.dependencies?.[PACKAGE];
  if (pin === undefined) throw new Error(`services/maxapi/package.json does not depend on ${PACKAGE}`);
  return pin;
}

/** The value of `name` in an env file ("" when set empty), undefined when the file or the line is not there. */
export function readSetting(file: string, name: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((text) => text.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

/** Sets `name=value` in an env file: its line replaced, or one added at the end; the rest kept as it is. */
export function writeSetting(file: string, name: string, value: string): void {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const at = lines.findIndex((line) => line.startsWith(`${name}=`));
  if (at === -1) writeFileSync(file, `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}${name}=${value}\n`);
  else {
    lines[at] = `${name}=${value}`;
    writeFileSync(file, lines.join("\n"));
  }
}

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();

/** x.y.z for a version or a dist-tag, as the registry has it. */
function resolveVersion(spec: string): string {
  if (/^\d+\.\d+\.\d+$/.test(spec)) return spec;
  const version =
    npm(["view", `${PACKAGE}@${spec}`, "version"], tmpdir())
      .split("\n")
      .at(-1)
      ?.trim() ?? "";
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${PACKAGE}@${spec} is not a release the registry knows`);
  return version;
}

/** The release's `claude`, installed once into a cache folder of its own (its install script puts the binary in place). */
async function install(version: string): Promise<string> {
  const cache =
    process.env.CLAUDE_CODE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "clawbridge", "claude-code");
  const dir = join(cache, version);
  const claude = join(dir, "node_modules", ".bin", "claude");
  if (existsSync(claude) && (await cliVersion(claude)) === version) return claude;
  mkdirSync(dir, { recursive: true });
  // npm runs the CLI's install script only for a package the project allows (as the root package.json does)
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ private: true, allowScripts: { [PACKAGE]: true } }, null, 2)}\n`,
  );
  process.stderr.write(`installing ${PACKAGE}@${version} into ${dir}\n`);
  npm(["install", "--no-audit", "--no-fund", "--save-exact", `${PACKAGE}@${version}`], dir);
  const installed = await cliVersion(claude);
  if (installed !== version) throw new Error(`${claude} says ${installed}, not ${version}`);
  return claude;
}

function nextSteps(
  version: string,
  tested: string,
  passed: boolean,
  envFile: string,
  before: string | undefined,
): string[] {
  const wanted = version === tested ? "" : version;
  const shown = (value: string | undefined) =>
    value === undefined || value === "" ? `empty: the tested ${tested}` : value;
  if (!passed) {
    return [
      `Next: stay on ${shown(before)}. ${envFile} is unchanged: maxapi would misread this release's output as listed above.`,
      `  Report the changes (this file) so that maxapi can be adapted. To run it anyway: ${SETTING}=${version} in .env, docker compose up -d --build.`,
    ];
  }
  const lines = [];
  if (before === undefined && !existsSync(envFile))
    lines.push(`Next: set ${SETTING}=${wanted} in .env (make setup creates .env), then:`);
  else
    lines.push(
      `Next: ${envFile} now says ${SETTING}=${wanted}${wanted === "" ? ` (empty: the tested ${tested})` : ""}; it said ${shown(before)}. Then:`,
    );
  lines.push(
    "  docker compose up -d --build      builds maxapi with this Claude Code and restarts it",
    "  make verify                       checks the stack, a chat and an agent turn",
  );
  if (version !== tested) {
    lines.push(
      `  To go back: make claude-code VERSION=${tested} (the tested version), then docker compose up -d --build.`,
      `  To make it the repository's tested version: npm install --workspace services/maxapi --save-exact ${PACKAGE}@${version}, then make test.`,
    );
  }
  return lines;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { report: { type: "string" }, env: { type: "string" } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [spec] = parsed.positionals;
  const envFile = parsed.values.env ?? join(ROOT, ".env");
  const tested = testedVersion();
  if (spec === undefined || spec === "") {
    const setting = readSetting(envFile, SETTING);
    process.stderr.write(
      `${USAGE}\nTested version: ${tested}. This stack's ${SETTING}: ${setting === undefined || setting === "" ? `not set (the tested ${tested})` : setting}.\n`,
    );
    return 2;
  }
  const version = resolveVersion(spec);
  const pinned = await cliVersion(PINNED_CLI);
  if (pinned !== tested)
    throw new Error(
      `node_modules has Claude Code ${pinned}, package.json pins ${tested}: run npm ci (make install) first`,
    );
  const claude = version === tested ? PINNED_CLI : await install(version);

  process.stderr.write(`checking Claude Code ${version} against the recordings and the mock (about a minute)\n`);
  const result = await runCheck(claude);
  const baseline = version === tested ? undefined : await runCheck(PINNED_CLI);
  const passed = failures(result).length === 0;
  const before = readSetting(envFile, SETTING);
  if (passed && existsSync(envFile)) writeSetting(envFile, SETTING, version === tested ? "" : version);
  const report = `${formatReport(result, baseline)}${nextSteps(version, tested, passed, envFile, before).join("\n")}\n`;
  const file = parsed.values.report ?? join(tmpdir(), `contract-${version}.txt`);
  writeFileSync(file, report);
  process.stdout.write(`${report}\n(report written to ${file})\n`);
  return passed ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`make claude-code: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
