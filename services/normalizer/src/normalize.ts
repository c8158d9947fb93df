// Turns any valid OpenAI chat request into one claude-max-api 1.0.0 handles correctly: string
// content only, roles it knows, a model id it knows, a `user` it accepts. Each change is counted
// by kind, for the request's log line and the metrics. Client tools (`tools`, `tool_choice`) pass
// on to maxapi, which offers them to the model; `tool_choice: "none"` drops them. Earlier calls and
// their results become plain sentences (not a syntax the model could imitate instead of calling).
import { invalidRequest } from "./errors.ts";
import { resolveModel, UPSTREAM_MODELS, type ModelAliases } from "./models.ts";
import { chatRequestSchema, mostSpecificIssue, paramName, type ChatRequest, type Content, type ContentPart, type Message } from "./request-schema.ts";

export type ImagePolicy = "placeholder" | "reject";

export interface NormalizeOptions {
  imagePolicy: ImagePolicy;
  modelAliases: ModelAliases;
}

export type NormalizationKind =
  | "content_flattened" // array of parts → one string
  | "content_null" // null or missing content → ""
  | "media_placeholder" // image/audio/file part → a text note
  | "developer_role" // developer → system
  | "tool_result" // tool/function message → user text
  | "tool_calls" // assistant tool_calls → text
  | "model_mapped" // client's id → one of the upstream's three
  | "user_dropped" // non-UUID `user` removed
  | "tools_none" // tool_choice "none": tools not offered
  | `dropped_${(typeof IGNORED_FIELDS)[number]}`;

export type Normalizations = Partial<Record<NormalizationKind, number>>;

export interface UpstreamMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface NormalizedRequest {
  body: Record<string, unknown> & { model: string; messages: UpstreamMessage[] };
  normalizations: Normalizations;
}

// Fields the upstream never reads: the legacy function-calling form, and parallel_tool_calls (the
// model decides how many calls it makes).
const IGNORED_FIELDS = ["parallel_tool_calls", "functions", "function_call"] as const;

// The Claude Code CLI accepts only a UUID as session id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates and normalizes a parsed JSON body; throws an ApiError (400) naming the bad field. */
export function normalizeChatRequest(raw: unknown, options: NormalizeOptions): NormalizedRequest {
  const parsed = chatRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const issue = first && mostSpecificIssue(first);
    const param = issue ? paramName(issue.path) : null;
    throw invalidRequest(param ? `${param}: ${issue?.message ?? "invalid"}` : (issue?.message ?? "invalid request body"), param);
  }
  const request: ChatRequest = parsed.data;
  const counts: Normalizations = {};
  const count = (kind: NormalizationKind) => (counts[kind] = (counts[kind] ?? 0) + 1);

  const model = resolveModel(request.model, options.modelAliases);
  if (!model) {
    throw invalidRequest(
      `model "${request.model}" is not served here; use one of ${UPSTREAM_MODELS.join(", ")} ` +
        "(provider prefixes and versions such as anthropic/claude-sonnet-4-5 are accepted) or add it to MODEL_ALIASES",
      "model",
      "model_not_found",
    );
  }
  if (model !== request.model) count("model_mapped");

  const toolNames = new Map<string, string>(); // tool call id → function name, for tool results
  const messages = request.messages.map((message, index) =>
    normalizeMessage(message, `messages[${index}]`, options.imagePolicy, toolNames, count),
  );

  const { user, ...rest } = request;
  if (rest.tool_choice === "none" && rest.tools) {
    count("tools_none");
    delete rest.tools;
    delete rest.tool_choice;
  }
  const passed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) {
    if ((IGNORED_FIELDS as readonly string[]).includes(field)) count(`dropped_${field as (typeof IGNORED_FIELDS)[number]}`);
    else passed[field] = value;
  }
  const body: NormalizedRequest["body"] = { ...passed, model, messages };
  if (typeof user === "string" && UUID.test(user)) body.user = user;
  else if (user != null) count("user_dropped");

  return { body, normalizations: counts };
}

function normalizeMessage(
  message: Message,
  param: string,
  imagePolicy: ImagePolicy,
  toolNames: Map<string, string>,
  count: (kind: NormalizationKind) => void,
): UpstreamMessage {
  const text = contentToText(message.content, `${param}.content`, imagePolicy, count);
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: text };
    case "developer":
      count("developer_role");
      return { role: "system", content: text };
    case "assistant": {
      const calls = [
        ...(message.tool_calls ?? []).map((call) => {
          if (call.id) toolNames.set(call.id, call.function.name);
          return describeToolCall(call.function.name, call.function.arguments, call.id);
        }),
        ...(message.function_call ? [describeToolCall(message.function_call.name, message.function_call.arguments)] : []),
      ];
      if (calls.length > 0) count("tool_calls");
      const refusal = message.refusal ? [`[refused: ${message.refusal}]`] : [];
      return { role: "assistant", content: [text, ...refusal, ...calls].filter(Boolean).join("\n") };
    }
    case "tool": {
      count("tool_result");
      const name = toolNames.get(message.tool_call_id);
      return { role: "user", content: `The tool ${name ?? "call"} (call ${message.tool_call_id}) returned:\n${text}` };
    }
    case "function":
      count("tool_result");
      return { role: "user", content: `The tool ${message.name} returned:\n${text}` };
  }
}

/** A call the model made earlier, as a sentence: the record, never a form to copy instead of calling. */
function describeToolCall(name: string, args: string | undefined, id?: string): string {
  return `I called the tool ${name}${id ? ` (call ${id})` : ""} with the arguments ${args?.trim() || "{}"}.`;
}

function contentToText(content: Content, param: string, imagePolicy: ImagePolicy, count: (kind: NormalizationKind) => void): string {
  if (typeof content === "string") return content;
  if (content == null) {
    count("content_null");
    return "";
  }
  count("content_flattened");
  return content.map((part, i) => partToText(part, `${param}[${i}]`, imagePolicy, count)).join("\n");
}

function partToText(part: ContentPart, param: string, imagePolicy: ImagePolicy, count: (kind: NormalizationKind) => void): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "refusal":
      return part.refusal;
    default: {
      const what = part.type === "image_url" ? "image" : part.type === "input_audio" ? "audio" : "file";
      if (imagePolicy === "reject") {
        throw invalidRequest(
          `${param}: ${what} input is not supported: claude-max-api passes text only (IMAGE_POLICY=reject)`,
          param,
          "unsupported_content",
        );
      }
      count("media_placeholder");
      return `[${what} omitted: this model endpoint accepts text only]`;
    }
  }
}
