// A chat request's settings for the model: what the CLI can carry (cli/command.ts turns them into
// its flags and environment), and a 400 naming the field for what it cannot, rather than a 200 that
// ignored it. maxapi's README ("What the model sees") has the table.
//   max_tokens, max_completion_tokens  the output limit; with both, the smaller
//   temperature (0-1), top_p, stop     sampling and stop sequences, as Anthropic takes them
//   reasoning_effort                   the CLI's effort (low, medium, high, xhigh, max); OpenAI's
//                                      minimal is low, none turns thinking off
//   n > 1, logprobs, top_logprobs, a JSON response_format, presence/frequency penalties, logit_bias
//                                      no equivalent: 400
//   seed                               no equivalent, and only a hint: ignored
import { invalidRequest, mostSpecificIssue, paramName, type ApiError } from "@clawbridge/openai";
import { z } from "zod";

/** The efforts the CLI takes (`--effort`). */
export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

export interface ModelSettings {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  effort?: Effort;
  /** reasoning_effort "none": the model answers without thinking. */
  thinkingOff?: boolean;
}

const noEquivalent = (what: string) => `maxapi cannot give ${what}: the Claude CLI has no equivalent`;

const tokens = z
  .number({ error: "must be a whole number of tokens, 1 or more" })
  .int("must be a whole number of tokens, 1 or more")
  .positive("must be a whole number of tokens, 1 or more");
const zeroOrAbsent = (what: string) =>
  z
    .number()
    .refine((value) => value === 0, noEquivalent(what))
    .nullish();

const settingsSchema = z.looseObject({
  max_tokens: tokens.nullish(),
  max_completion_tokens: tokens.nullish(),
  temperature: z
    .number({ error: "must be a number from 0 to 1" })
    .min(0, "must be a number from 0 to 1")
    .max(1, "Claude takes a temperature from 0 to 1")
    .nullish(),
  top_p: z
    .number({ error: "must be a number from 0 to 1" })
    .min(0, "must be a number from 0 to 1")
    .max(1, "must be a number from 0 to 1")
    .nullish(),
  stop: z
    .union([z.string(), z.array(z.string(), { error: "must be a string or an array of strings" })], {
      error: "must be a string or an array of strings",
    })
    .refine((stop) => [stop].flat().every((sequence) => sequence.trim() !== ""), "a stop sequence must not be blank")
    .nullish(),
  reasoning_effort: z
    .string({ error: `must be one of none, minimal, ${EFFORTS.join(", ")}` })
    .refine((effort) => effort === "none" || effort === "minimal" || (EFFORTS as readonly string[]).includes(effort), {
      error: (issue) => `the Claude CLI takes none, minimal, ${EFFORTS.join(", ")}, not "${String(issue.input)}"`,
    })
    .nullish(),
  n: z
    .number()
    .refine((n) => n === 1, "maxapi gives one choice per request (n: 1)")
    .nullish(),
  logprobs: z
    .boolean()
    .refine((wanted) => !wanted, noEquivalent("log probabilities"))
    .nullish(),
  top_logprobs: z
    .unknown()
    .refine((value) => value === null || value === undefined, noEquivalent("log probabilities"))
    .optional(),
  response_format: z
    .looseObject({ type: z.string() })
    .refine(
      (format) => format.type === "text",
      noEquivalent("a JSON response format (it cannot hold the model to a format)"),
    )
    .nullish(),
  presence_penalty: zeroOrAbsent("a presence penalty"),
  frequency_penalty: zeroOrAbsent("a frequency penalty"),
  logit_bias: z
    .record(z.string(), z.unknown())
    .refine((bias) => Object.keys(bias).length === 0, noEquivalent("logit biases"))
    .nullish(),
});

/** The settings the request gives, or a 400 naming the first field the CLI cannot honour. */
export function modelSettings(body: unknown): ModelSettings | ApiError {
  const parsed = settingsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = mostSpecificIssue(
      parsed.error.issues[0] ?? { code: "custom", path: [], message: "invalid request", input: body },
    );
    const param = paramName(issue.path);
    return invalidRequest(`${param}: ${issue.message}`, param || null, "unsupported_parameter");
  }
  const request = parsed.data;
  const limits = [request.max_tokens, request.max_completion_tokens].filter(
    (value): value is number => typeof value === "number",
  );
  const settings: ModelSettings = {};
  if (limits.length > 0) settings.maxOutputTokens = Math.min(...limits);
  if (request.temperature != null) settings.temperature = request.temperature;
  if (request.top_p != null) settings.topP = request.top_p;
  if (request.stop != null) settings.stop = [request.stop].flat();
  const effort = request.reasoning_effort;
  if (effort === "none") settings.thinkingOff = true;
  else if (effort === "minimal") settings.effort = "low";
  else if (effort != null) settings.effort = effort as Effort;
  return settings;
}
