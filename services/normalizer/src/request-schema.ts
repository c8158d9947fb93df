// The shape of an OpenAI chat completion request, as far as the normalizer reads it. Top level and
// message objects are loose (unknown fields pass through); content parts are strict, because a part
// we do not know cannot be turned into text safely.
import { z } from "zod";

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.union([z.string(), z.looseObject({ url: z.string() })]),
});
const audioPart = z.object({ type: z.literal("input_audio"), input_audio: z.looseObject({}) });
const filePart = z.object({
  type: z.literal("file"),
  file: z.looseObject({ filename: z.string().optional() }),
});

const contentPart = z.discriminatedUnion("type", [textPart, refusalPart, imagePart, audioPart, filePart]);
export type ContentPart = z.infer<typeof contentPart>;

const content = z.union([z.string(), z.null(), z.array(contentPart)]).optional();
export type Content = z.infer<typeof content>;

const toolCall = z.looseObject({
  id: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().optional() }),
});

const message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.enum(["system", "developer"]), content }),
  z.looseObject({ role: z.literal("user"), content }),
  z.looseObject({
    role: z.literal("assistant"),
    content,
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.looseObject({ name: z.string(), arguments: z.string().optional() }).nullish(),
    refusal: z.string().nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), content, tool_call_id: z.string().min(1, "a tool result needs the id of the call it answers") }),
  z.looseObject({ role: z.literal("function"), content, name: z.string() }),
]);
export type Message = z.infer<typeof message>;

// A client tool: a name and a JSON Schema object for its arguments (Anthropic's input_schema is
// always an object schema). maxapi maps names the model's API cannot take.
const tool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1, "a tool needs a name"),
    description: z.string().nullish(),
    parameters: z
      .looseObject({ type: z.literal("object", { error: 'must be a JSON Schema object ({"type": "object", ...})' }).optional() })
      .nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) }),
]);

export const chatRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    stream: z.boolean().nullish(),
    user: z.string().nullish(),
    tools: z.array(tool).nullish(),
    tool_choice: toolChoice.nullish(),
  })
  .superRefine((request, context) => {
    const names = (request.tools ?? []).map((t) => t.function.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) context.addIssue({ code: "custom", path: ["tools", i, "function", "name"], message: `"${name}" is offered twice` });
    });
    const chosen = typeof request.tool_choice === "object" ? request.tool_choice?.function.name : undefined;
    if (chosen !== undefined && !names.includes(chosen)) {
      context.addIssue({ code: "custom", path: ["tool_choice", "function", "name"], message: `"${chosen}" is not among the tools offered` });
    }
  });
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * The issue to report: for a union (content is a string, null or parts) the branch issue that got
 * deepest into the value, so the error names `messages[0].content[1].text`, not `messages[0].content`.
 */
export function mostSpecificIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const candidates = issue.errors.flat().map((branch) => mostSpecificIssue({ ...branch, path: [...issue.path, ...branch.path] }));
  return candidates.reduce((deepest, next) => (next.path.length > deepest.path.length ? next : deepest));
}

/** `["messages", 2, "content", 0, "type"]` → `messages[2].content[0].type`, as OpenAI names params. */
export function paramName(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
