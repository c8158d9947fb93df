import { describe, expect, it } from "vitest";
import { clip, firstLine, parseJsonOutput } from "../../../services/verify/src/json.ts";
import { fixture } from "./fixtures.ts";

describe("parseJsonOutput", () => {
  it("reads a whole JSON document", () => {
    expect(parseJsonOutput(fixture("max-proxy/agents-list.json"))).toHaveLength(2);
  });

  it("skips lines printed before the JSON and terminal escapes", () => {
    expect(parseJsonOutput('\u001b[2K[openclaw] notice: something\n{"ok": true}\n')).toEqual({ ok: true });
  });

  it("throws, quoting the first line, when there is no JSON", () => {
    expect(() => parseJsonOutput('service "gateway" is not running\n')).toThrow(
      'no JSON in the output: service "gateway" is not running',
    );
    expect(() => parseJsonOutput("")).toThrow("no output");
  });
});

describe("clip and firstLine", () => {
  it("flattens whitespace and cuts with an ellipsis", () => {
    expect(clip("a\n  b   c", 10)).toBe("a b c");
    expect(clip("0123456789abc", 10)).toBe("012345678…");
    expect(firstLine("\n\n  \u001b[2Kfirst\nsecond")).toBe("first");
  });
});
