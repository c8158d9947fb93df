// The shape of an OpenAI chat completion request, as far as the normalizer reads it. Top level and
// message objects are loose (unknown fields pass through); content parts are strict, because a part
// we do not know cannot be turned into text safely.
import { toolChoiceSchema, toolSchema, toolSetIssues } from "@clawbridge/openai";
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
  z.looseObject({
    role: z.literal("tool"),
    content,
    tool_call_id: z.string().min(1, "a tool result needs the id of the call it answers"),
  }),
  z.looseObject({ role: z.literal("function"), content, name: z.string() }),
]);
export type Message = z.infer<typeof message>;

export const chatRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    stream: z.boolean().nullish(),
    user: z.string().nullish(),
    tools: z.array(toolSchema).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
  })
  .superRefine((request, context) => {
    for (const issue of toolSetIssues(request.tools ?? [], request.tool_choice))
      context.addIssue({ code: "custom", ...issue });
  });
export type ChatRequest = z.infer<typeof chatRequestSchema>;
