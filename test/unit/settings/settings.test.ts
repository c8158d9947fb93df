import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeVariables, printRefusal, readSettings, SettingsError } from "../../../lib/settings/src/index.ts";

const shape = {
  TOKEN: z.string().min(16),
  MODE: z.enum(["a", "b"]).default("a"),
  COUNT: z.coerce.number().int().positive().default(1),
  ZONE: z
    .string()
    .refine((zone) => zone.includes("/"))
    .optional(),
};
const help = {
  TOKEN: { description: "A token", expected: "16 or more characters", fix: "run make setup" },
  MODE: { description: "The mode", expected: "a or b" },
  COUNT: { description: "How many", expected: "a whole number of 1 or more" },
  ZONE: { description: "A zone", expected: "a zone such as Europe/Berlin" },
};

function problemsOf(env: NodeJS.ProcessEnv, options: Parameters<typeof readSettings<typeof shape>>[3] = {}): string[] {
  try {
    readSettings(shape, help, env, options);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe("readSettings", () => {
  it("says each problem once, in a sentence naming the variable, what is wrong and the fix, never the value", () => {
    const problems = problemsOf({ TOKEN: "secret", MODE: "c", COUNT: "many", ZONE: "Berlin" });
    expect(problems).toEqual([
      "TOKEN is too short (6 characters; 16 or more characters): run make setup.",
      "MODE is not a or b: fix it in .env.",
      "COUNT is not a whole number of 1 or more: fix it in .env.",
      "ZONE is not a zone such as Europe/Berlin: fix it in .env.",
    ]);
    expect(problems.join(" ")).not.toContain("secret");
  });

  it("counts an empty variable as unset: a default applies, a required one is not set", () => {
    expect(problemsOf({ TOKEN: "", COUNT: "" })).toEqual(["TOKEN is not set: run make setup."]);
    expect(readSettings(shape, help, { TOKEN: "0123456789abcdef", COUNT: "" })).toMatchObject({ MODE: "a", COUNT: 1 });
  });

  it("refuses forbidden variables and runs the cross checks only once every variable is valid", () => {
    const forbidden = { API_KEY: { what: "is set: it would bill the API", fix: "remove it" } };
    let checked = 0;
    const check = (_: unknown, report: (variable: string, what: string, fix?: string) => void) => {
      checked++;
      report("MODE", "is a, which needs B_URL");
    };
    expect(problemsOf({ API_KEY: "x", TOKEN: "short" }, { forbidden, check })).toEqual([
      "API_KEY is set: it would bill the API: remove it.",
      "TOKEN is too short (5 characters; 16 or more characters): run make setup.",
    ]);
    expect(checked).toBe(0);
    expect(problemsOf({ TOKEN: "0123456789abcdef" }, { check })).toEqual([
      "MODE is a, which needs B_URL: fix it in .env.",
    ]);
  });

  it("prints a refusal as plain lines for a person", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => (text += chunk.toString()));
    printRefusal("svc", new SettingsError(["A is not set: run make setup.", "B is not x: fix it in .env."]), out);
    expect(text).toBe("svc cannot start:\n  A is not set: run make setup.\n  B is not x: fix it in .env.\n");
  });
});

describe("describeVariables", () => {
  it("gives each variable's default as .env writes it, whether it must be set, whether a file may hold it, and its description", () => {
    expect(describeVariables(shape, help, { fileSecrets: ["TOKEN"] })).toEqual([
      { name: "TOKEN", default: undefined, required: true, fileSecret: true, description: "A token" },
      { name: "MODE", default: "a", required: false, fileSecret: false, description: "The mode" },
      { name: "COUNT", default: "1", required: false, fileSecret: false, description: "How many" },
      { name: "ZONE", default: undefined, required: false, fileSecret: false, description: "A zone" },
    ]);
  });

  it("reads a default through a transform's pipe, and a prefault's text; refuses a default with no .env spelling", () => {
    const list = z.string().transform((text) => text.split(","));
    const described = describeVariables(
      {
        PIPED: z
          .string()
          .default("x")
          .transform((text) => text.length),
        PREFAULT: list.prefault("a,b"),
      },
      { PIPED: { description: "", expected: "" }, PREFAULT: { description: "", expected: "" } },
    );
    expect(described.map((variable) => variable.default)).toEqual(["x", "a,b"]);
    expect(() =>
      describeVariables({ PARSED: list.default(["a", "b"]) }, { PARSED: { description: "", expected: "" } }),
    ).toThrow(/PARSED's default is no \.env value/);
  });
});
