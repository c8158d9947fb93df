// A chat completion request as maxapi reads it. The normalizer in front has checked it already;
// a client that reaches maxapi directly gets the same rules (lib/openai) and a 400 naming the field.
import {
  invalidRequest,
  mostSpecificIssue,
  paramName,
  toolChoiceSchema,
  toolSchema,
  toolSetIssues,
  type ApiError,
} from "@clawbridge/openai";
import { z } from "zod";

const chatRequestSchema = z
  .looseObject({
    model: z.string({ error: "a model id is required" }).min(1, "a model id is required"),
    messages: z
      .array(z.unknown(), { error: "messages is required and must be a non-empty array" })
      .min(1, "messages is required and must be a non-empty array"),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    user: z.unknown().optional(),
    tools: z.array(toolSchema).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
  })
  .superRefine((request, context) => {
    for (const issue of toolSetIssues(request.tools ?? [], request.tool_choice))
      context.addIssue({ code: "custom", ...issue });
  });

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The request, or a 400 for its first problem (the code names the part: messages, tools, or the request). */
export function parseChatRequest(body: unknown): ChatRequest | ApiError {
  const parsed = chatRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = mostSpecificIssue(
    parsed.error.issues[0] ?? { code: "custom", path: [], message: "invalid request", input: body },
  );
  const param = paramName(issue.path);
  const first = issue.path[0];
  const code =
    first === "messages"
      ? "invalid_messages"
      : first === "tools" || first === "tool_choice"
        ? "invalid_tools"
        : "invalid_request";
  return invalidRequest(param ? `${param}: ${issue.message}` : issue.message, param || null, code);
}
