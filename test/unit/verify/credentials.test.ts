import { describe, expect, it } from "vitest";
import { authStatus, credentialRows } from "../../../services/verify/src/credentials.ts";
import { DC, fixture, result, stackOf, withEnv } from "./fixtures.ts";

const LOGGED_IN = result(fixture("max-proxy/claude-auth-status.json"));
// without any credentials `claude auth status` exits 1
const LOGGED_OUT = result(fixture("maxapi-logged-out/claude-auth-status.json"), 1);

const byCheck = (rows: ReturnType<typeof credentialRows>) => Object.fromEntries(rows.map((row) => [row.check, row]));

describe("authStatus", () => {
  it("reads `claude auth status`", () => {
    expect(authStatus(LOGGED_IN)).toEqual({ loggedIn: true, detail: "Claude CLI logged in (oauth_token)" });
    expect(authStatus(LOGGED_OUT).loggedIn).toBe(false);
    expect(authStatus(result("", 1, "Error: no such service")).loggedIn).toBe(false);
  });
});

describe("credentialRows", () => {
  it("passes the captured max-proxy stack, showing prefixes and lengths", () => {
    const rows = byCheck(credentialRows(stackOf("max-proxy"), LOGGED_IN, DC));
    expect(rows.PROXY_API_KEY).toMatchObject({ status: "ok", detail: "…(27), the same for gateway and normalizer" });
    expect(rows.CLAUDE_SETUP_TOKEN).toMatchObject({
      status: "ok",
      detail: "sk-ant-oat01-…(99); Claude CLI logged in (oauth_token)",
    });
    expect(rows.OPENCLAW_GATEWAY_TOKEN).toMatchObject({ status: "ok", detail: "…(31)" });
  });

  it("passes setup-token mode on the token alone; the proxy key is not used there", () => {
    const rows = byCheck(credentialRows(stackOf("setup-token"), undefined, DC));
    expect(rows.PROXY_API_KEY?.status).toBe("skip");
    expect(rows.CLAUDE_SETUP_TOKEN).toMatchObject({
      status: "ok",
      detail: "sk-ant-oat01-…(99) (AUTH_MODE=setup-token: the gateway's credential)",
    });
  });

  it("fails a short proxy key or gateway token", () => {
    const stack = withEnv(
      withEnv(stackOf("max-proxy"), "gateway", { PROXY_API_KEY: "short", OPENCLAW_GATEWAY_TOKEN: "" }),
      "normalizer",
      { PROXY_API_KEY: "short" },
    );
    const rows = byCheck(credentialRows(stack, LOGGED_IN, DC));
    expect(rows.PROXY_API_KEY).toMatchObject({ status: "FAIL", detail: "…(5): shorter than 16 characters" });
    expect(rows.PROXY_API_KEY?.fix).toContain("openssl rand -hex 24");
    expect(rows.OPENCLAW_GATEWAY_TOKEN).toMatchObject({
      status: "FAIL",
      detail: "(empty): shorter than 16 characters",
    });
  });

  it("fails different keys for the gateway and the normalizer", () => {
    const stack = withEnv(stackOf("max-proxy"), "normalizer", { PROXY_API_KEY: "another-proxy-key-0123456789" });
    expect(byCheck(credentialRows(stack, LOGGED_IN, DC)).PROXY_API_KEY).toMatchObject({
      status: "FAIL",
      detail: "gateway and normalizer have different keys (…(27), …(28))",
    });
  });

  it("fails a setup token without the sk-ant-oat01- prefix, or too short", () => {
    const wrong = withEnv(stackOf("max-proxy"), "maxapi", {
      CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-api03-" + "x".repeat(90),
    });
    expect(byCheck(credentialRows(wrong, LOGGED_IN, DC)).CLAUDE_SETUP_TOKEN).toMatchObject({
      status: "FAIL",
      detail: "sk-ant-api03-…(103): does not start with sk-ant-oat01- (what `claude setup-token` prints)",
    });
    const short = withEnv(stackOf("setup-token"), "config-init", { CLAUDE_SETUP_TOKEN: "sk-ant-oat01-abc" });
    expect(byCheck(credentialRows(short, undefined, DC)).CLAUDE_SETUP_TOKEN).toMatchObject({
      status: "FAIL",
      detail: "sk-ant-oat01-…(16): shorter than 80 characters",
    });
    const empty = withEnv(stackOf("setup-token"), "config-init", { CLAUDE_SETUP_TOKEN: "" });
    expect(byCheck(credentialRows(empty, undefined, DC)).CLAUDE_SETUP_TOKEN?.status).toBe("FAIL");
  });

  it("accepts an empty setup token in max-proxy mode when the CLI is logged in (make login), else fails", () => {
    const stack = withEnv(stackOf("max-proxy"), "maxapi", { CLAUDE_CODE_OAUTH_TOKEN: "" });
    expect(byCheck(credentialRows(stack, LOGGED_IN, DC)).CLAUDE_SETUP_TOKEN).toMatchObject({
      status: "ok",
      detail: "empty: Claude CLI logged in (oauth_token) (make login)",
    });
    const out = byCheck(credentialRows(stack, LOGGED_OUT, DC)).CLAUDE_SETUP_TOKEN;
    expect(out).toMatchObject({ status: "FAIL", detail: "empty and Claude CLI not logged in" });
    expect(out?.fix).toContain("make login");
    expect(byCheck(credentialRows(stack, undefined, DC)).CLAUDE_SETUP_TOKEN?.status).toBe("skip");
  });
});
