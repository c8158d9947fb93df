// Settings from the environment for every clawbridge service, and what a person reads when they are
// wrong: one sentence per problem, naming the variable, what is wrong and the fix
// ("OPENCLAW_GATEWAY_TOKEN is not set: run make setup, or set 16 or more random characters in .env"),
// never a schema library's wording and never a value. All problems are found in one pass, so a
// misconfigured container says everything on its first start.
import { readFileSync } from "node:fs";
import { z } from "zod";

/** One variable in words: what it does (docs/settings.md), and how to speak of it when it is wrong. */
export interface VariableHelp {
  /** What the variable does, in one line: "Requests that may wait for a slot". */
  description: string;
  /** What a good value is, to follow "is not": "a port number (1-65535)". */
  expected: string;
  /** What to do; default: "fix it in .env". */
  fix?: string;
}

export type Help<Shape extends z.ZodRawShape> = { readonly [K in keyof Shape]: VariableHelp };

const DEFAULT_FIX = "fix it in .env";

/** Settings a service refuses to start with; `problems` holds one sentence each. */
export class SettingsError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid settings: ${problems.join(" ")}`);
    this.name = "SettingsError";
    this.problems = problems;
  }
}

/** One problem as a sentence: `VAR what: fix`. */
export const problem = (variable: string, what: string, fix = DEFAULT_FIX) => `${variable} ${what}: ${fix}.`;

export interface ReadOptions<Shape extends z.ZodRawShape> {
  /** Variables that may come as a file (a docker secret): VAR_FILE names the file holding VAR. */
  fileSecrets?: readonly (keyof Shape & string)[];
  /** Variables that must not be set, with what is wrong when they are and the fix. */
  forbidden?: Readonly<Record<string, { what: string; fix: string }>>;
  /** Checks across variables, run once each one is valid; report each problem with `report`. */
  check?: (
    settings: z.infer<z.ZodObject<Shape>>,
    report: (variable: string, what: string, fix?: string) => void,
  ) => void;
}

/**
 * Reads and validates `shape`'s variables from `env`; throws a SettingsError with every problem.
 * An empty variable counts as unset (compose passes unset ones as "" with `${VAR:-}`).
 */
export function readSettings<Shape extends z.ZodRawShape>(
  shape: Shape,
  help: Help<Shape>,
  env: NodeJS.ProcessEnv,
  options: ReadOptions<Shape> = {},
): z.infer<z.ZodObject<Shape>> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== "") present[name] = value;
  const problems: string[] = [];
  const report = (variable: string, what: string, fix?: string) => problems.push(problem(variable, what, fix));

  for (const [name, { what, fix }] of Object.entries(options.forbidden ?? {})) {
    if (present[name] !== undefined) report(name, what, fix);
  }

  for (const name of options.fileSecrets ?? []) {
    const file = present[`${name}_FILE`];
    if (file === undefined) continue;
    if (present[name] !== undefined) {
      report(`${name} and ${name}_FILE`, "are both set", `keep one of them`);
      continue;
    }
    try {
      present[name] = readFileSync(file, "utf8").trim();
    } catch (error) {
      report(
        `${name}_FILE`,
        `names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        "check that the secret is mounted there",
      );
    }
  }

  const parsed = z.object(shape).safeParse(present);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "");
      if (seen.has(variable)) continue; // one sentence per variable
      seen.add(variable);
      const text = help[variable as keyof Shape]; // every issue's path starts at a key of the shape
      report(variable, whatIsWrong(issue, present[variable], text.expected), text.fix);
    }
  } else if (problems.length === 0) {
    options.check?.(parsed.data, report);
  }
  if (!parsed.success || problems.length > 0) throw new SettingsError(problems);
  return parsed.data;
}

function whatIsWrong(issue: z.core.$ZodIssue, value: string | undefined, expected: string): string {
  if (value === undefined) return "is not set";
  if (issue.code === "too_small" && issue.origin === "string")
    return `is too short (${value.length} characters; ${expected})`;
  // a custom check's own words add to the sentence; zod's default for a refine ("Invalid input") would not
  if (issue.code === "custom" && issue.message !== "Invalid input") return `is not ${expected} (${issue.message})`;
  return `is not ${expected}`;
}

/** Writes a service's refusal for a person: one plain line per problem, on stderr. */
export function printRefusal(
  service: string,
  error: SettingsError,
  stream: NodeJS.WritableStream = process.stderr,
): void {
  stream.write(`${service} cannot start:\n${error.problems.map((line) => `  ${line}`).join("\n")}\n`);
}
