import { describe, expect, it } from "vitest";
import { explainAuthError } from "../../../services/maxapi/src/cli/auth.ts";

describe("explainAuthError", () => {
  it("says in plain words that the login is missing and how to add it (not the CLI's /login, which means nothing here)", () => {
    const message = explainAuthError("Not logged in · Please run /login");
    expect(message).toMatch(
      /^The Claude login is missing: set CLAUDE_SETUP_TOKEN in \.env .*docker compose up -d, or run make login once\.$/,
    );
    expect(message).not.toContain("/login");
  });

  it("keeps Anthropic's own message for a refused login and adds the fix", () => {
    const message = explainAuthError(
      "OAuth token has expired. Please obtain a new token or refresh your existing token.",
    );
    expect(message).toMatch(
      /^OAuth token has expired\. Please obtain a new token or refresh your existing token\. The Claude login was refused: make a new setup token/,
    );
  });
});
