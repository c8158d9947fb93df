// `make verify`: checks the running stack as a user would by hand after setup and prints one table
// row per check (CHECK | RESULT | DETAIL | FIX). Exit 0 when nothing failed (skips allowed).
//   COMPOSE      the docker compose command (default "docker compose"), e.g. with -p/-f/--env-file
//   STACK        check this Swarm stack instead (deployed with `make deploy`), e.g. STACK=clawbridge;
//                ENV_FILE (.env) gives the secret values to mask
//   VERIFY_LIVE  0: no model requests (skips the chat completion and the agent turn)
// Runs from the repository root, whatever the working directory. Never prints a secret: every line
// passes through redact() with the secret values of the resolved compose environment.
import { resolve } from "node:path";
import { CHECKS, Memo, type Check, type Context } from "./checks.ts";
import { Compose, composeCommand, readEnvFile, runFailure, type Target } from "./compose.ts";
import { parseJsonOutput } from "./json.ts";
import { fail, skip, type Row } from "./row.ts";
import { redact, secretValues } from "./secrets.ts";
import { parsePs } from "./services.ts";
import { parseStack, type Stack } from "./stack.ts";
import { SwarmTarget } from "./swarm.ts";
import { passed, renderSummary, renderTable } from "./table.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

const isOff = (value: string | undefined) => /^(0|false|no|off)$/i.test((value ?? "").trim());

/** The Swarm stack and its containers, or the row saying why they cannot be read. */
async function loadSwarm(target: SwarmTarget): Promise<Context | Row> {
  target.secrets = secretValues([readEnvFile(resolve(ROOT, process.env.ENV_FILE ?? ".env"))]);
  const loaded = await target.load();
  if ("error" in loaded)
    return fail(
      "stack",
      loaded.error,
      'deploy it with make deploy (see docs/operations.md, "With Docker Swarm"), or run make verify without STACK for a compose project',
    );
  return { target, ...loaded };
}

/** The stack and its containers, or the row saying why docker compose could not tell. */
async function load(): Promise<Context | Row> {
  const dc = compose.display;
  const config = await compose.run(["config", "--format", "json"]);
  let stack: Stack;
  try {
    if (config.code !== 0) throw new Error(runFailure(config));
    stack = parseStack(parseJsonOutput(config.stdout));
  } catch (error) {
    return fail(
      "compose config",
      `${dc} config: ${(error as Error).message}`,
      "run it in the clawbridge directory, with Docker running (`docker info`)",
    );
  }
  compose.secrets = secretValues(Object.values(stack.env));
  const ps = await compose.run(["ps", "--all", "--format", "json"]);
  try {
    if (ps.code !== 0) throw new Error(runFailure(ps));
    return { target: compose, stack, containers: parsePs(ps.stdout) };
  } catch (error) {
    return fail("compose ps", `${dc} ps: ${(error as Error).message}`, "is Docker running? `docker info`");
  }
}

/** The checks' rows in the table's order: all at once, then those that run last. */
async function runChecks(ctx: Context, live: boolean): Promise<Row[]> {
  const memo = new Memo();
  const run = async (check: Check): Promise<Row[]> => {
    if (check.live && !live) return [skip(check.name, "VERIFY_LIVE=0 (no model requests)")];
    try {
      return await check.run(ctx, memo);
    } catch (error) {
      return [
        fail(check.name, `verify could not run this check: ${(error as Error).message}`, "report it with this output"),
      ];
    }
  };
  const first = new Map(CHECKS.filter((check) => !check.last).map((check) => [check, run(check)]));
  await Promise.all(first.values());
  const rows: Row[] = [];
  for (const check of CHECKS) rows.push(...(await (first.get(check) ?? run(check))));
  return rows;
}

const compose = new Compose(composeCommand(process.env.COMPOSE), ROOT);
const swarm = process.env.STACK?.trim() ? new SwarmTarget(process.env.STACK.trim()) : undefined;
const target: Target = swarm ?? compose;

async function main(): Promise<number> {
  const live = !isOff(process.env.VERIFY_LIVE);
  const what = swarm ? `the Swarm stack ${swarm.stack}` : `the stack of \`${compose.display}\``;
  if (process.stderr.isTTY)
    process.stderr.write(
      `verify: checking ${what}${live ? " (with a chat completion per configured model and one agent turn)" : ""}…\n`,
    );
  const started = Date.now();
  const loaded = swarm ? await loadSwarm(swarm) : await load();
  const rows = "stack" in loaded ? await runChecks(loaded, live) : [loaded];
  const colour = process.stdout.isTTY && process.env.NO_COLOR === undefined;
  const output =
    renderTable(rows, { colour }) +
    renderSummary(rows).replace(/\n$/, ` in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(redact(output, target.secrets));
  return passed(rows) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(redact(`verify: ${error instanceof Error ? error.message : String(error)}\n`, target.secrets));
    process.exitCode = 2;
  },
);
