// The rules for a chat request's tools and `user` that the normalizer and maxapi both apply: the
// normalizer to refuse a bad request before it queues, maxapi for a client that reaches it directly.
import { randomUUID } from "node:crypto";
import { z } from "zod";

// A client tool: a name and a JSON Schema object for its arguments (Anthropic's input_schema is
// always an object schema). maxapi maps names the model's API cannot take.
export const toolSchema = z.looseObject({
  type: z.literal("function", { error: 'must be "function"' }),
  function: z.looseObject({
    name: z.string({ error: "a tool needs a name" }).min(1, "a tool needs a name"),
    description: z.string().nullish(),
    parameters: z
      .looseObject(
        { type: z.literal("object", { error: 'must be a JSON Schema object ({"type": "object", ...})' }).optional() },
        { error: 'must be a JSON Schema object ({"type": "object", ...})' },
      )
      .nullish(),
  }),
});
export type Tool = z.infer<typeof toolSchema>;

export const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** The tool `tool_choice` names, if it names one. */
export const chosenTool = (choice: ToolChoice | null | undefined): string | undefined =>
  typeof choice === "object" ? choice?.function.name : undefined;

/** Problems no single tool shows: a name offered twice, a `tool_choice` naming a tool not offered. */
export function toolSetIssues(
  tools: readonly Tool[],
  choice: ToolChoice | null | undefined,
): { path: (string | number)[]; message: string }[] {
  const names = tools.map((tool) => tool.function.name);
  const issues = names.flatMap((name, i) =>
    names.indexOf(name) === i
      ? []
      : [{ path: ["tools", i, "function", "name"], message: `"${name}" is offered twice` }],
  );
  const chosen = chosenTool(choice);
  if (chosen !== undefined && !names.includes(chosen))
    issues.push({ path: ["tool_choice", "function", "name"], message: `"${chosen}" is not among the tools offered` });
  return issues;
}

/** The Claude Code CLI takes only a UUID as a session id: any other `user` is not passed on. */
export const SESSION_USER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isSessionUser = (user: unknown): user is string => typeof user === "string" && SESSION_USER.test(user);

/**
 * The issue to report: for a union (content is a string, null or parts) the branch issue that got
 * deepest into the value, so the error names `messages[0].content[1].text`, not `messages[0].content`.
 */
export function mostSpecificIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const candidates = issue.errors
    .flat()
    .map((branch) => mostSpecificIssue({ ...branch, path: [...issue.path, ...branch.path] }));
  return candidates.reduce((deepest, next) => (next.path.length > deepest.path.length ? next : deepest));
}

/** `["messages", 2, "content", 0, "type"]` → `messages[2].content[0].type`, as OpenAI names params. */
export function paramName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("");
}

// A client's x-request-id is kept when it is a plausible id, so one request's log lines join across services.
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id: the client's x-request-id when it is a plain id, else a new UUID. */
export const requestIdFrom = (header: unknown): string =>
  typeof header === "string" && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
