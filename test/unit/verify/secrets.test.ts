import { describe, expect, it } from "vitest";
import { credentialRows } from "../../../services/verify/src/credentials.ts";
import { isSecretName, mask, redact, secretValues } from "../../../services/verify/src/secrets.ts";
import { renderTable } from "../../../services/verify/src/table.ts";
import { DC, fixture, result, stackOf, withEnv } from "./fixtures.ts";

// the fake secrets of test/containers/stack.env, as in the captured compose config
const SETUP_TOKEN =
  "sk-ant-oat01-stack-test-setup-token-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnop";
const PROXY_KEY = "stack-test-proxy-key-8e2f4a";
const GATEWAY_TOKEN = "stack-test-gateway-token-5d1c0e";

/** No secret, and no 8-character piece of one, in the text. */
function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    const core = secret.replace(/^sk-ant-[a-z]+\d*-/, "");
    for (let i = 0; i + 8 <= core.length; i++) expect(text).not.toContain(core.slice(i, i + 8));
  }
}

describe("mask", () => {
  it("keeps only a well-known prefix and the length", () => {
    expect(mask(SETUP_TOKEN)).toBe("sk-ant-oat01-…(99)");
    expect(mask(PROXY_KEY)).toBe("…(27)");
    expect(mask("")).toBe("(empty)");
  });
});

describe("secretValues", () => {
  it("collects the values of *TOKEN*, *KEY*, *SECRET*, *PASSWORD* variables, longest first", () => {
    const stack = stackOf("max-proxy");
    expect(secretValues(Object.values(stack.env))).toEqual([SETUP_TOKEN, GATEWAY_TOKEN, PROXY_KEY]);
    expect(isSecretName("CLAUDE_CODE_OAUTH_TOKEN")).toBe(true);
    expect(isSecretName("PROXY_API_KEY_FILE")).toBe(false);
    expect(isSecretName("MAX_QUEUE")).toBe(false);
  });
});

describe("redact", () => {
  const secrets = [SETUP_TOKEN, GATEWAY_TOKEN, PROXY_KEY];

  it("masks every copy of a secret", () => {
    const text = `Authorization: Bearer ${PROXY_KEY}; token=${SETUP_TOKEN} and again ${PROXY_KEY}`;
    expect(redact(text, secrets)).toBe("Authorization: Bearer …(27); token=sk-ant-oat01-…(99) and again …(27)");
  });

  it("masks a cut-off copy too (what clip() leaves of a long message)", () => {
    const text = `error: ${SETUP_TOKEN.slice(0, 40)}…`;
    const out = redact(text, secrets);
    expect(out).toBe("error: sk-ant-oat01-…(99)…");
    expectNoSecret(out, secrets);
  });

  it("leaves text without secrets alone, and short values are not masked inside words", () => {
    expect(redact("all good", secrets)).toBe("all good");
    expect(redact("a key of abc", ["abc"])).toBe("a key of abc");
  });
});

describe("secrets never reach the output", () => {
  it("the credential rows of the captured stack show prefixes and lengths only", () => {
    const stack = stackOf("max-proxy");
    const rows = credentialRows(stack, result(fixture("max-proxy/claude-auth-status.json")), DC);
    const out = renderTable(rows);
    expect(out).toContain("sk-ant-oat01-…(99)");
    expect(out).toContain("…(27)");
    expectNoSecret(out, [SETUP_TOKEN, PROXY_KEY, GATEWAY_TOKEN]);
  });

  it("nor do malformed or short secrets, which fail", () => {
    const bad = "not-an-oauth-value-but-something-else-0123456789";
    const stack = withEnv(withEnv(stackOf("max-proxy"), "maxapi", { CLAUDE_CODE_OAUTH_TOKEN: bad }), "gateway", {
      OPENCLAW_GATEWAY_TOKEN: "short-tok",
    });
    const out = renderTable(credentialRows(stack, undefined, DC));
    expect(out).toContain("FAIL");
    expect(out).not.toContain("short-tok");
    expectNoSecret(out, [bad]);
  });
});
