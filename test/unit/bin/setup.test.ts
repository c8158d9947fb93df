// bin/setup (`make setup`) run as a user runs it, in a copy of the project's files it needs: with
// no terminal, with a token in the environment, and on a terminal (util-linux `script` gives it one).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const TOKEN = `sk-ant-oat01-${"Ab3_x-".repeat(16)}`; // 109 characters, the shape of a real one

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "clawbridge-setup-"));
  mkdirSync(join(dir, "bin"));
  copyFileSync(join(ROOT, "bin/setup"), join(dir, "bin/setup"));
  copyFileSync(join(ROOT, ".env.example"), join(dir, ".env.example"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const envFile = () => readFileSync(join(dir, ".env"), "utf8");
const valueOf = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(envFile())?.[1];

/** Runs bin/setup with stdin closed (no terminal) and the given environment. */
function setup(env: Record<string, string> = {}) {
  const result = spawnSync("bin/setup", {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("make setup (bin/setup)", () => {
  it("makes .env (mode 0600) with random keys, explains the login, and says what comes next", () => {
    const { code, output } = setup();
    expect(code).toBe(0);
    expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
    const gatewayToken = valueOf("OPENCLAW_GATEWAY_TOKEN") ?? "";
    const proxyKey = valueOf("PROXY_API_KEY") ?? "";
    expect(gatewayToken).toMatch(/^[\w-]{32}$/);
    expect(proxyKey).toMatch(/^[\w-]{32}$/);
    expect(proxyKey).not.toBe(gatewayToken);
    expect(valueOf("CLAUDE_SETUP_TOKEN")).toBe("");
    expect(output).toMatch(/No Claude login yet[\s\S]*make login/);
    expect(output).toMatch(/Next: docker compose up -d/);
    expect(output).not.toContain(gatewayToken);
    // every other line is .env.example's
    const example = readFileSync(join(dir, ".env.example"), "utf8").split("\n");
    const lines = envFile().split("\n");
    expect(lines.filter((line, i) => line !== example[i]).map((line) => line.split("=")[0])).toEqual([
      "OPENCLAW_GATEWAY_TOKEN",
      "PROXY_API_KEY",
    ]);
  });

  it("never changes a value that is set, and fills only the empty ones", () => {
    writeFileSync(
      join(dir, ".env"),
      `# mine\nOPENCLAW_GATEWAY_TOKEN="my-own-gateway-token-1234"\nPROXY_API_KEY=\nCLAUDE_SETUP_TOKEN=${TOKEN}\n`,
      { mode: 0o640 },
    );
    const { code, output } = setup({ CLAUDE_SETUP_TOKEN: `${TOKEN}x` });
    expect(code).toBe(0);
    expect(envFile()).toMatch(
      /^# mine\nOPENCLAW_GATEWAY_TOKEN="my-own-gateway-token-1234"\nPROXY_API_KEY=[\w-]{32}\nCLAUDE_SETUP_TOKEN=sk-ant-oat01-/,
    );
    expect(valueOf("CLAUDE_SETUP_TOKEN")).toBe(TOKEN);
    expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o640);
    expect(output).toMatch(/OPENCLAW_GATEWAY_TOKEN: already set, kept/);
    const again = envFile();
    setup();
    expect(envFile()).toBe(again);
  });

  it("stores a setup token from the environment, printing its length only", () => {
    const { code, output } = setup({ CLAUDE_SETUP_TOKEN: TOKEN });
    expect(code).toBe(0);
    expect(valueOf("CLAUDE_SETUP_TOKEN")).toBe(TOKEN);
    expect(output).toContain(`stored from the environment (${TOKEN.length} characters)`);
    expect(output).not.toContain(TOKEN.slice(13, 30));
  });

  it.each([
    ["without the prefix", `sk-ant-api03-${"x".repeat(95)}`, /does not start with sk-ant-oat01-/],
    ["cut short", "sk-ant-oat01-abcdefgh", /has 21 characters, a setup token has 80 or more/],
    ["with a space in it", `${TOKEN.slice(0, 50)} ${TOKEN.slice(50)}`, /characters a setup token does not/],
  ])("refuses a setup token %s, saying why without printing it, and stores nothing", (_, token, why) => {
    const { code, output } = setup({ CLAUDE_SETUP_TOKEN: token });
    expect(code).toBe(1);
    expect(output).toMatch(why);
    expect(output).not.toContain(token.slice(13, 21));
    expect(valueOf("CLAUDE_SETUP_TOKEN")).toBe("");
  });

  it("never waits for input without a terminal, even with stdin left open", async () => {
    const child = spawn("bin/setup", {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(-1);
      }, 15_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(0);
  });

  it("on a terminal asks for the token with input hidden, says why a bad one is refused, and stores a good one", async () => {
    // each answer typed once its prompt shows, as a person would (typed earlier, the terminal echoes it before `read -s` hides it)
    const child = spawn("script", ["-qec", "bin/setup", "/dev/null"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", TERM: "dumb" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const answers = ["sk-ant-oat01-short", TOKEN];
    let output = "";
    let prompts = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const shown = output.split("setup token: ").length - 1;
      while (prompts < shown) child.stdin.write(`${answers[prompts++] ?? ""}\n`);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(output).toMatch(/Input is hidden/);
    expect(output).toMatch(/not stored: it has 18 characters/);
    expect(output).toContain(`CLAUDE_SETUP_TOKEN: stored (${TOKEN.length} characters)`);
    expect(output).not.toContain(TOKEN.slice(13)); // the terminal did not echo it
    expect(output).not.toContain("oat01-short");
    expect(valueOf("CLAUDE_SETUP_TOKEN")).toBe(TOKEN);
  });
});
