import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../../../services/normalizer/src/settings.ts";
import { problemsWith } from "../../support/settings.ts";

const problemsOf = problemsWith(loadSettings);

describe("loadSettings", () => {
  it("has the documented defaults", () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      port: 3457,
      upstreamUrl: "http://maxapi:3456",
      apiKey: undefined,
      maxBodyBytes: 32 * 1024 * 1024,
      imagePolicy: "send",
      maxConcurrency: 4,
      maxQueue: 64,
    });
  });

  it("waits for maxapi 10 s longer than maxapi waits for the CLI, unless UPSTREAM_TIMEOUT_MS says otherwise", () => {
    expect(loadSettings({}).upstreamTimeoutMs).toBe(310_000);
    expect(loadSettings({ CLI_TIMEOUT_MS: "60000", UPSTREAM_TIMEOUT_MS: "" }).upstreamTimeoutMs).toBe(70_000);
    expect(loadSettings({ CLI_TIMEOUT_MS: "60000", UPSTREAM_TIMEOUT_MS: "5000" }).upstreamTimeoutMs).toBe(5000);
  });

  it("treats empty variables (compose's ${VAR:-}) as unset", () => {
    expect(loadSettings({ PROXY_API_KEY: "", MAX_CONCURRENCY: "" })).toMatchObject({
      apiKey: undefined,
      maxConcurrency: 4,
    });
  });

  it("lists every bad variable at once, without echoing values", () => {
    const problems = problemsOf({
      MAX_CONCURRENCY: "four",
      IMAGE_POLICY: "drop",
      UPSTREAM_URL: "maxapi:3456",
      PROXY_API_KEY: "short-secret",
      MODEL_ALIASES: "x",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(
      ["IMAGE_POLICY", "MAX_CONCURRENCY", "MODEL_ALIASES", "PROXY_API_KEY", "UPSTREAM_URL"].sort(),
    );
    expect(problems.join(" ")).not.toContain("short-secret");
    expect(problems).toContain("IMAGE_POLICY is not send, placeholder or reject: fix it in .env.");
    expect(problems).toContain(
      "PROXY_API_KEY is too short (12 characters; 16 or more characters): run make setup, or set 16 or more random characters in .env (the same on every gateway host).",
    );
    expect(problems.find((p) => p.startsWith("MODEL_ALIASES"))).toMatch(
      /^MODEL_ALIASES is not a list such as gpt-4o=sonnet,fast=haiku,stable=claude-opus-4-8 \("x" is not of the form alias=target\): fix it in \.env\.$/,
    );
    // plain words: never the schema library's
    expect(problems.join(" ")).not.toMatch(/Invalid|expected (string|number)|received|NaN/);
  });

  it("requires a key when published beyond the machine, naming where", () => {
    expect(problemsOf({ PUBLISHED_ON: "10.0.0.5:3457" })).toEqual([
      "PROXY_API_KEY is not set, and the normalizer is published (on 10.0.0.5:3457): run make setup, or set 16 or more random characters in .env (the same on every gateway host).",
    ]);
    expect(() => loadSettings({ PUBLISHED_ON: "10.0.0.5:3457", PROXY_API_KEY: "" })).toThrow(SettingsError);
    expect(loadSettings({ PUBLISHED_ON: "10.0.0.5:3457", PROXY_API_KEY: "0123456789abcdef-key" }).apiKey).toBe(
      "0123456789abcdef-key",
    );
    expect(loadSettings({}).apiKey).toBeUndefined(); // unpublished: open is allowed (with a warning)
  });

  it("reads the key from PROXY_API_KEY_FILE (a docker secret), trimmed", () => {
    const file = join(mkdtempSync(join(tmpdir(), "normalizer-")), "key");
    writeFileSync(file, "0123456789abcdef-key\n");
    expect(loadSettings({ PROXY_API_KEY_FILE: file }).apiKey).toBe("0123456789abcdef-key");
    expect(problemsOf({ PROXY_API_KEY_FILE: file, PROXY_API_KEY: "0123456789abcdef-other" })).toEqual([
      "PROXY_API_KEY and PROXY_API_KEY_FILE are both set: keep one of them.",
    ]);
    expect(problemsOf({ PROXY_API_KEY_FILE: "/nonexistent/key" })).toEqual([
      "PROXY_API_KEY_FILE names /nonexistent/key, which cannot be read (ENOENT): check that the secret is mounted there.",
    ]);
  });

  it("strips a trailing slash from the upstream URL", () => {
    expect(loadSettings({ UPSTREAM_URL: "http://127.0.0.1:9/" }).upstreamUrl).toBe("http://127.0.0.1:9");
  });
});
