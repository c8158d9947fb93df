// The shape of the Claude Code CLI's stream-json output, and how two outputs of one scenario differ.
// What is compared, and why (a recording of 2.1.330 against a fresh run of any CLI on the mock):
//   - the kinds of line: `type`, then `subtype`, a stream_event's `event.type`, a block start's
//     `content_block.type` and a delta's `delta.type` ("stream_event content_block_delta text_delta");
//   - per kind, every field path with its JSON types, over all lines of that kind. Values are left
//     out (ids, timestamps, text, token counts, retry delays differ from run to run), and so are
//     order and counts of lines (how many deltas, and whether the `assistant` line comes before or
//     after its block's stop, depend on the mock's chunking and the timing of the pipe);
//   - array elements as `path[]`, and maps keyed by data (model ids in `modelUsage`) as `path{}`:
//     their fields are compared only where both runs had an element (an empty `iterations: []` or
//     `modelUsage: {}` says nothing about the fields of an element);
//   - a type only counts as changed when the new run shows one the recording never did (a field
//     that was `string|null` and was only `string` this time is the same contract);
//   - and, for the few fields maxapi branches on (MAXAPI_VALUES), their values: an error's status,
//     type and terminal reason, a window's status, a stop reason. The mock makes them deterministic.
// Differences in what maxapi reads (MAXAPI_READS, after services/maxapi/src/cli/stream-json.ts,
// chat/answer.ts, cli/errors.ts and tools/tool-turn.ts: keep it in step with them) break the
// contract; any other difference is reported only.

export type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

/** Field path → the JSON types it had, over every line of one kind. */
export type FieldShape = Map<string, Set<JsonType>>;

/** One run's output: its kinds of line, each with its fields, and the values maxapi branches on. */
export interface OutputShape {
  kinds: Map<string, FieldShape>;
  /** Kind → path → the values it had (only the paths in MAXAPI_VALUES), as JSON. */
  values: Map<string, Map<string, Set<string>>>;
  /** Lines that were not JSON objects (2.1.74 split a line in two). */
  unreadable: string[];
}

/** Objects whose keys are data, not field names: their entries are compared as one `{}` entry. */
const KEYED_BY_DATA = new Set(["modelUsage", "model_usage_since_last_result", "subagent_stats.by_type"]);

/**
 * What maxapi reads, per kind of line (a kind prefix: "stream_event" covers every stream event), as
 * field paths (`*`: any one key). A kind listed here that a recording has and the new run does not,
 * or one of these fields gone or with a new type, breaks maxapi.
 */
export const MAXAPI_READS: Readonly<Record<string, readonly string[]>> = {
  "system init": ["model", "claude_code_version"],
  stream_event: ["event.type"],
  "stream_event message_start": [
    "event.message.id",
    "event.message.model",
    "event.message.usage",
    "event.message.usage.input_tokens",
    "event.message.usage.output_tokens",
  ],
  "stream_event content_block_start": ["event.index", "event.content_block.type"],
  "stream_event content_block_start tool_use": ["event.content_block.id", "event.content_block.name"],
  "stream_event content_block_delta": ["event.index", "event.delta.type"],
  "stream_event content_block_delta text_delta": ["event.delta.text"],
  "stream_event content_block_delta thinking_delta": ["event.delta.thinking"],
  "stream_event content_block_delta input_json_delta": ["event.delta.partial_json"],
  "stream_event content_block_stop": ["event.index"],
  "stream_event message_delta": ["event.delta.stop_reason", "event.usage", "event.usage.output_tokens"],
  assistant: [
    "error",
    "message.id",
    "message.model",
    "message.content",
    "message.content[].type",
    "message.content[].text",
    "message.content[].id",
    "message.content[].name",
    "message.content[].input",
  ],
  result: [
    "subtype",
    "is_error",
    "result",
    "stop_reason",
    "api_error_status",
    "api_error_type",
    "api_error",
    "api_error_code",
    "terminal_reason",
    "usage",
    "usage.input_tokens",
    "usage.output_tokens",
    "usage.cache_read_input_tokens",
    "usage.cache_creation_input_tokens",
  ],
  rate_limit_event: [
    "rate_limit_info",
    "rate_limit_info.status",
    "rate_limit_info.utilization",
    "rate_limit_info.resetsAt",
    "rate_limit_info.surpassedThreshold",
    "rate_limit_info.rateLimitType",
    "rate_limit_info.unifiedWindows",
    "rate_limit_info.unifiedWindows.*",
    "rate_limit_info.unifiedWindows.*.status",
    "rate_limit_info.unifiedWindows.*.utilization",
    "rate_limit_info.unifiedWindows.*.resetsAt",
    "rate_limit_info.unifiedWindows.*.surpassedThreshold",
  ],
  control_response: ["response", "response.subtype", "response.request_id", "response.error"],
};

/** Fields whose values decide what maxapi answers (the HTTP status, finish_reason, a spent window). */
export const MAXAPI_VALUES: Readonly<Record<string, readonly string[]>> = {
  result: ["is_error", "api_error_status", "api_error_type", "api_error", "terminal_reason", "stop_reason"],
  assistant: ["error"],
  "stream_event message_delta": ["event.delta.stop_reason"],
  rate_limit_event: ["rate_limit_info.status", "rate_limit_info.rateLimitType"],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" ? type : "object";
}

/** A line's kind: "system init", "stream_event content_block_delta text_delta", "result success", ... */
export function lineKind(line: Record<string, unknown>): string {
  const parts = [typeof line.type === "string" ? line.type : "(no type)"];
  if (typeof line.subtype === "string") parts.push(line.subtype);
  const event = line.event;
  if (isObject(event)) {
    parts.push(typeof event.type === "string" ? event.type : "(no event type)");
    if (isObject(event.content_block) && typeof event.content_block.type === "string")
      parts.push(event.content_block.type);
    if (isObject(event.delta) && event.type === "content_block_delta" && typeof event.delta.type === "string")
      parts.push(event.delta.type);
  }
  return parts.join(" ");
}

function addFields(shape: FieldShape, value: unknown, path: string): void {
  if (path !== "") {
    const types = shape.get(path) ?? new Set<JsonType>();
    types.add(jsonType(value));
    shape.set(path, types);
  }
  if (Array.isArray(value)) {
    for (const element of value) addFields(shape, element, `${path}[]`);
  } else if (isObject(value)) {
    const byData = KEYED_BY_DATA.has(path);
    for (const [key, field] of Object.entries(value))
      addFields(shape, field, byData ? `${path}{}` : path === "" ? key : `${path}.${key}`);
  }
}

/** The value at a plain dotted path (no `[]`), as a string for comparing; undefined when absent. */
function valueAt(line: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = line;
  for (const key of path.split(".")) value = isObject(value) ? value[key] : undefined;
  return value === undefined ? undefined : JSON.stringify(value);
}

/** The rules of a kind: those of the kind and of each shorter prefix of it ("stream_event", ...). */
export function rulesFor(table: Readonly<Record<string, readonly string[]>>, kind: string): string[] {
  const words = kind.split(" ");
  return words.flatMap((_, i) => table[words.slice(0, i + 1).join(" ")] ?? []);
}

/** The shape of a run's stdout (JSON lines). */
export function outputShape(text: string): OutputShape {
  const shape: OutputShape = { kinds: new Map(), values: new Map(), unreadable: [] };
  for (const raw of text.split("\n")) {
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    let line: unknown;
    try {
      line = JSON.parse(trimmed);
    } catch {
      line = undefined;
    }
    if (!isObject(line)) {
      shape.unreadable.push(trimmed.slice(0, 120));
      continue;
    }
    const kind = lineKind(line);
    const fields = shape.kinds.get(kind) ?? new Map<string, Set<JsonType>>();
    addFields(fields, line, "");
    shape.kinds.set(kind, fields);
    for (const path of rulesFor(MAXAPI_VALUES, kind)) {
      const value = valueAt(line, path);
      if (value === undefined) continue;
      const values = shape.values.get(kind) ?? new Map<string, Set<string>>();
      values.set(path, (values.get(path) ?? new Set<string>()).add(value));
      shape.values.set(kind, values);
    }
  }
  return shape;
}

export type DifferenceKind =
  "kind new" | "kind gone" | "field new" | "field gone" | "type changed" | "value changed" | "unreadable line";

export interface Difference {
  kind: DifferenceKind;
  /** The kind of line it is about. */
  line: string;
  /** The field (for field and value differences). */
  field?: string;
  /** What the recording had and what the run gave: types or values. */
  was?: string;
  now?: string;
  /** Whether maxapi reads what changed: such a difference breaks the contract. */
  breaking: boolean;
}

/** The nearest `[]` or `{}` container of a path: its elements are compared only where both runs had one. */
function container(path: string): string | undefined {
  const match = /^(.*(?:\[\]|\{\}))/.exec(path);
  return match?.[1];
}

const sorted = (values: Iterable<string>) => [...values].sort().join("|");

/** A read path as a pattern: `*` any one key, everything else as written. */
const pattern = (path: string) => new RegExp(`^${path.replace(/[.[\]{}]/g, "\\$&").replaceAll("*", "[^.]+")}$`);

/** Whether `field` (a path) is one of maxapi's reads for this kind. */
function read(kind: string, field: string): boolean {
  return rulesFor(MAXAPI_READS, kind).some((path) => pattern(path).test(field));
}

/** Kinds maxapi reads: a kind with rules of its own or of a prefix. */
const readKind = (kind: string) => rulesFor(MAXAPI_READS, kind).length > 0;

/** How a fresh run differs from the recording of the same scenario. */
export function compareShapes(recorded: OutputShape, run: OutputShape): Difference[] {
  const differences: Difference[] = [];
  for (const line of run.unreadable) differences.push({ kind: "unreadable line", line, breaking: true });
  for (const kind of run.kinds.keys())
    if (!recorded.kinds.has(kind)) differences.push({ kind: "kind new", line: kind, breaking: false });
  for (const [kind, was] of recorded.kinds) {
    const now = run.kinds.get(kind);
    if (!now) {
      differences.push({ kind: "kind gone", line: kind, breaking: readKind(kind) });
      continue;
    }
    for (const [field, types] of was) {
      const inside = container(field);
      const newTypes = now.get(field);
      if (!newTypes) {
        // an element's field only counts as gone when the run had elements there
        if (inside === undefined || now.has(inside))
          differences.push({ kind: "field gone", line: kind, field, was: sorted(types), breaking: read(kind, field) });
        continue;
      }
      const added = [...newTypes].filter((type) => !types.has(type));
      if (added.length > 0)
        differences.push({
          kind: "type changed",
          line: kind,
          field,
          was: sorted(types),
          now: sorted(newTypes),
          breaking: read(kind, field),
        });
    }
    for (const [field, types] of now) {
      if (was.has(field)) continue;
      const inside = container(field);
      if (inside === undefined || was.has(inside))
        differences.push({ kind: "field new", line: kind, field, now: sorted(types), breaking: false });
    }
  }
  for (const [kind, fields] of recorded.values) {
    for (const [field, values] of fields) {
      const now = run.values.get(kind)?.get(field);
      // a field gone is reported above; a value is compared where both runs have one
      if (now && sorted(values) !== sorted(now))
        differences.push({
          kind: "value changed",
          line: kind,
          field,
          was: sorted(values),
          now: sorted(now),
          breaking: true,
        });
    }
  }
  return differences;
}
