import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import { modelSettings } from "../../../services/maxapi/src/chat/model-settings.ts";
import { cliCommand } from "../../../services/maxapi/src/cli/command.ts";

const settings = (body: Record<string, unknown>) => {
  const result = modelSettings({ model: "claude-opus-4", messages: [], ...body });
  if (result instanceof ApiError) throw new Error(`expected settings, got ${result.message}`);
  return result;
};
const refusal = (body: Record<string, unknown>) => {
  const result = modelSettings({ model: "claude-opus-4", messages: [], ...body });
  expect(result).toBeInstanceOf(ApiError);
  return (result as ApiError).body.error;
};

describe("modelSettings", () => {
  it("takes the output limit, the smaller of max_tokens and max_completion_tokens", () => {
    expect(settings({ max_completion_tokens: 32000 })).toEqual({ maxOutputTokens: 32000 });
    expect(settings({ max_tokens: 500, max_completion_tokens: 32000 })).toEqual({ maxOutputTokens: 500 });
    expect(settings({ max_tokens: 900, max_completion_tokens: null })).toEqual({ maxOutputTokens: 900 });
  });

  it("takes temperature, top_p and stop (a string or a list), and the efforts the CLI knows", () => {
    expect(settings({ temperature: 0.2, top_p: 0.9, stop: "END" })).toEqual({
      temperature: 0.2,
      topP: 0.9,
      stop: ["END"],
    });
    expect(settings({ stop: ["a", "b"] }).stop).toEqual(["a", "b"]);
    for (const effort of ["low", "medium", "high", "xhigh", "max"])
      expect(settings({ reasoning_effort: effort })).toEqual({ effort });
    expect(settings({ reasoning_effort: "minimal" })).toEqual({ effort: "low" });
    expect(settings({ reasoning_effort: "none" })).toEqual({ thinkingOff: true });
    expect(
      settings({
        n: 1,
        logprobs: false,
        response_format: { type: "text" },
        presence_penalty: 0,
        seed: 7,
        logit_bias: {},
      }),
    ).toEqual({});
  });

  it("refuses with a 400 naming the field what the CLI has no equivalent for, or a value it cannot take", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ n: 2 }, "n", /one choice/],
      [{ logprobs: true }, "logprobs", /no equivalent/],
      [{ top_logprobs: 3 }, "top_logprobs", /no equivalent/],
      [{ response_format: { type: "json_object" } }, "response_format", /JSON response format/],
      [
        { response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } } },
        "response_format",
        /JSON response format/,
      ],
      [{ presence_penalty: 0.5 }, "presence_penalty", /no equivalent/],
      [{ frequency_penalty: -1 }, "frequency_penalty", /no equivalent/],
      [{ logit_bias: { "50256": -100 } }, "logit_bias", /no equivalent/],
      [{ temperature: 1.5 }, "temperature", /0 to 1/],
      [{ top_p: -0.1 }, "top_p", /0 to 1/],
      [{ max_tokens: 0 }, "max_tokens", /1 or more/],
      [{ max_completion_tokens: 1.5 }, "max_completion_tokens", /whole number/],
      [{ stop: ["ok", " "] }, "stop", /blank/],
      [{ reasoning_effort: "extreme" }, "reasoning_effort", /not "extreme"/],
    ];
    for (const [body, param, message] of cases) {
      const error = refusal(body);
      expect(error.param, JSON.stringify(body)).toBe(param);
      expect(error.type).toBe("invalid_request_error");
      expect(error.message, JSON.stringify(body)).toMatch(message);
      expect(error.message.startsWith(`${param}: `)).toBe(true);
    }
  });
});

describe("cliCommand with model settings", () => {
  const OPUS = { family: "opus", cliArgument: "opus" } as const;

  it("effort as --effort; the limit, sampling and stop through the CLI's environment; thinking off where Anthropic needs it", () => {
    const command = cliCommand(OPUS, undefined, undefined, {
      effort: "high",
      maxOutputTokens: 500,
      temperature: 0.2,
      stop: ["END"],
    });
    expect(command.args.slice(command.args.indexOf("--effort"), command.args.indexOf("--effort") + 2)).toEqual([
      "--effort",
      "high",
    ]);
    expect(command.env).toEqual({
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "500",
      CLAUDE_CODE_EXTRA_BODY: '{"temperature":0.2,"stop_sequences":["END"]}',
      CLAUDE_CODE_DISABLE_THINKING: "1",
    });
    expect(cliCommand(OPUS, undefined, undefined, { thinkingOff: true }).env).toEqual({
      CLAUDE_CODE_DISABLE_THINKING: "1",
    });
    const plain = cliCommand(OPUS, undefined);
    expect(plain.env).toEqual({});
    expect(plain.args).not.toContain("--effort");
  });
});
