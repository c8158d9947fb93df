// Turns any valid OpenAI chat request into one claude-max-api 1.0.0 handles correctly: string
// content (or, for a message with images, text and checked `data:` image parts, which maxapi turns
// into image blocks), roles it knows, a model id it knows, a `user` it accepts. Each change is
// counted by kind, for the request's log line and the metrics. Client tools (`tools`, `tool_choice`) pass
// on to maxapi, which offers them to the model; `tool_choice: "none"` drops them. Earlier calls and
// their results become plain sentences (not a syntax the model could imitate instead of calling).
import { acceptedInWords } from "@clawbridge/models";
import type { ImagePolicy } from "@clawbridge/settings";
import { invalidRequest, isSessionUser, mostSpecificIssue, paramName } from "@clawbridge/openai";
import { checkImage, IMAGE_LIMITS } from "./images.ts";
import { resolveModel, type ModelAliases } from "./models.ts";
import { chatRequestSchema, type ChatRequest, type Content, type ContentPart, type Message } from "./request-schema.ts";

/** send: images go to the model; placeholder: a text note instead; reject: a 400. */

export interface NormalizeOptions {
  imagePolicy: ImagePolicy;
  modelAliases: ModelAliases;
}

export type NormalizationKind =
  | "content_flattened" // array of parts → one string
  | "content_null" // null or missing content → ""
  | "media_placeholder" // image/audio/file part → a text note
  | "image_sent" // image part passed on to the model
  | "image_retyped" // image's media type taken from its bytes, not from its data: URL
  | "developer_role" // developer → system
  | "tool_result" // tool/function message → user text
  | "tool_calls" // assistant tool_calls → text
  | "model_mapped" // client's id → one of the upstream's three
  | "user_dropped" // non-UUID `user` removed
  | "tools_none" // tool_choice "none": tools not offered
  | `dropped_${(typeof IGNORED_FIELDS)[number]}`;

export type Normalizations = Partial<Record<NormalizationKind, number>>;

/** What maxapi reads: text, and images only as checked base64 `data:` URLs. */
export type UpstreamPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export interface UpstreamMessage {
  role: "system" | "user" | "assistant";
  /** A string unless the message carries an image. */
  content: string | UpstreamPart[];
}

export interface NormalizedRequest {
  body: Record<string, unknown> & { model: string; messages: UpstreamMessage[] };
  normalizations: Normalizations;
}

// Fields the upstream never reads: the legacy function-calling form, and parallel_tool_calls (the
// model decides how many calls it makes).
const IGNORED_FIELDS = ["parallel_tool_calls", "functions", "function_call"] as const;

/** Validates and normalizes a parsed JSON body; throws an ApiError (400) naming the bad field. */
export function normalizeChatRequest(raw: unknown, options: NormalizeOptions): NormalizedRequest {
  const parsed = chatRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const issue = first && mostSpecificIssue(first);
    const param = issue ? paramName(issue.path) : null;
    throw invalidRequest(
      param ? `${param}: ${issue?.message ?? "invalid"}` : (issue?.message ?? "invalid request body"),
      param,
    );
  }
  const request: ChatRequest = parsed.data;
  const counts: Normalizations = {};
  const count = (kind: NormalizationKind) => (counts[kind] = (counts[kind] ?? 0) + 1);

  const model = resolveModel(request.model, options.modelAliases);
  if (!model) {
    throw invalidRequest(
      `model "${request.model}" is not served here; use ${acceptedInWords()}, with or without a provider prefix ` +
        "(anthropic/claude-opus-4-8), or add it to MODEL_ALIASES",
      "model",
      "model_not_found",
    );
  }
  if (model !== request.model) count("model_mapped");

  const toolNames = new Map<string, string>(); // tool call id → function name, for tool results
  const messages = request.messages.map((message, index) =>
    normalizeMessage(message, `messages[${index}]`, options.imagePolicy, toolNames, count),
  );
  if ((counts.image_sent ?? 0) > IMAGE_LIMITS.maxPerRequest) {
    throw invalidRequest(
      `messages: ${counts.image_sent} images in one request; the model takes at most ${IMAGE_LIMITS.maxPerRequest}`,
      "messages",
      "too_many_images",
    );
  }

  const { user, ...rest } = request;
  if (rest.tool_choice === "none" && rest.tools) {
    count("tools_none");
    delete rest.tools;
    delete rest.tool_choice;
  }
  const passed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) {
    if ((IGNORED_FIELDS as readonly string[]).includes(field))
      count(`dropped_${field as (typeof IGNORED_FIELDS)[number]}`);
    else passed[field] = value;
  }
  const body: NormalizedRequest["body"] = { ...passed, model, messages };
  if (isSessionUser(user)) body.user = user;
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
  const content = convertContent(message.content, `${param}.content`, imagePolicy, count);
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content };
    case "developer":
      count("developer_role");
      return { role: "system", content };
    case "assistant": {
      const calls = [
        ...(message.tool_calls ?? []).map((call) => {
          if (call.id) toolNames.set(call.id, call.function.name);
          return describeToolCall(call.function.name, call.function.arguments, call.id);
        }),
        ...(message.function_call
          ? [describeToolCall(message.function_call.name, message.function_call.arguments)]
          : []),
      ];
      if (calls.length > 0) count("tool_calls");
      const refusal = message.refusal ? [`[refused: ${message.refusal}]`] : [];
      return { role: "assistant", content: [textOf(content), ...refusal, ...calls].filter(Boolean).join("\n") };
    }
    case "tool": {
      count("tool_result");
      const name = toolNames.get(message.tool_call_id);
      return {
        role: "user",
        content: prefixed(`The tool ${name ?? "call"} (call ${message.tool_call_id}) returned:\n`, content),
      };
    }
    case "function":
      count("tool_result");
      return { role: "user", content: prefixed(`The tool ${message.name} returned:\n`, content) };
  }
}

/** A call the model made earlier, as a sentence: the record, never a form to copy instead of calling. */
function describeToolCall(name: string, args: string | undefined, id?: string): string {
  return `I called the tool ${name}${id ? ` (call ${id})` : ""} with the arguments ${args?.trim() || "{}"}.`;
}

function textOf(content: UpstreamMessage["content"]): string {
  return typeof content === "string"
    ? content
    : content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
}

function prefixed(prefix: string, content: UpstreamMessage["content"]): UpstreamMessage["content"] {
  return typeof content === "string" ? prefix + content : [{ type: "text", text: prefix.trimEnd() }, ...content];
}

/** One string, as claude-max-api expects; text and image parts where an image goes to the model. */
function convertContent(
  content: Content,
  param: string,
  imagePolicy: ImagePolicy,
  count: (kind: NormalizationKind) => void,
): UpstreamMessage["content"] {
  if (typeof content === "string") return content;
  if (content == null) {
    count("content_null");
    return "";
  }
  const parts = content.map((part, i) => convertPart(part, `${param}[${i}]`, imagePolicy, count));
  if (parts.every((part) => part.type === "text")) {
    count("content_flattened");
    return parts.map((part) => part.text).join("\n");
  }
  return parts;
}

function convertPart(
  part: ContentPart,
  param: string,
  imagePolicy: ImagePolicy,
  count: (kind: NormalizationKind) => void,
): UpstreamPart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "refusal":
      return { type: "text", text: part.refusal };
    case "image_url":
      if (imagePolicy === "send") {
        const urlParam = `${param}.image_url${typeof part.image_url === "string" ? "" : ".url"}`;
        const image = checkImage(typeof part.image_url === "string" ? part.image_url : part.image_url.url, urlParam);
        count("image_sent");
        if (image.retyped) count("image_retyped");
        return { type: "image_url", image_url: { url: `data:${image.mediaType};base64,${image.data}` } };
      }
      return mediaNote("image", param, imagePolicy, count);
    case "input_audio":
      return mediaNote("audio", param, imagePolicy, count);
    case "file":
      return mediaNote("file", param, imagePolicy, count);
  }
}

/** Media the model cannot take here: a 400 under IMAGE_POLICY=reject, otherwise a note in its place. */
function mediaNote(
  what: string,
  param: string,
  imagePolicy: ImagePolicy,
  count: (kind: NormalizationKind) => void,
): UpstreamPart {
  if (imagePolicy === "reject") {
    throw invalidRequest(
      `${param}: ${what} input is not accepted here (IMAGE_POLICY=reject)`,
      param,
      "unsupported_content",
    );
  }
  count("media_placeholder");
  return {
    type: "text",
    text: `[${what} omitted: this model endpoint accepts ${imagePolicy === "send" ? "text and images" : "text"} only]`,
  };
}
