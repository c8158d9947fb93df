// bin/setup, a shell script, states the setup token's rules again: they are lib/settings' rules.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MIN_SETUP_TOKEN_LENGTH, SETUP_TOKEN_PREFIX } from "../../../lib/settings/src/index.ts";

const setup = readFileSync(new URL("../../../bin/setup", import.meta.url), "utf8");
const shellValue = (name: string) => new RegExp(`^${name}=(\\S+)`, "m").exec(setup)?.[1];

describe("bin/setup's setup token rules", () => {
  it("are lib/settings' prefix and least length", () => {
    expect(shellValue("TOKEN_PREFIX")).toBe(SETUP_TOKEN_PREFIX);
    expect(shellValue("TOKEN_MIN_LENGTH")).toBe(String(MIN_SETUP_TOKEN_LENGTH));
  });
});
