import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigFileError, readConfig, writeConfig } from "../../../../services/config-init/src/render/config-file.ts";
import { dryRunDiff, maskSecrets } from "../../../../services/config-init/src/render/dry-run.ts";

const stateDir = () => mkdtempSync(join(tmpdir(), "config-init-"));

describe("openclaw.json on disk", () => {
  it("writes a new file, then on the same config changes nothing and makes no backup", async () => {
    const path = join(stateDir(), "openclaw.json");
    expect(await readConfig(path)).toBeUndefined();
    expect(await writeConfig(path, { a: 1 }, undefined)).toEqual({ changed: true });
    const current = await readConfig(path);
    expect(current?.config).toEqual({ a: 1 });
    expect(await writeConfig(path, { a: 1 }, current?.config)).toEqual({ changed: false });
    expect(readdirSync(join(path, ".."))).toEqual(["openclaw.json"]);
  });

  it("backs the previous file up, byte for byte, before changing it", async () => {
    const dir = stateDir();
    const path = join(dir, "openclaw.json");
    const original = "// my hand-made config\n{ a: 1, mine: true }\n";
    writeFileSync(path, original);
    const current = await readConfig(path);
    const outcome = await writeConfig(
      path,
      { a: 2, mine: true },
      current?.config,
      new Date("2026-11-24T01:02:03.456Z"),
    );
    expect(outcome).toEqual({ changed: true, backup: `${path}.bak-2026-11-24T01-02-03-456Z` });
    expect(readFileSync(`${path}.bak-2026-11-24T01-02-03-456Z`, "utf8")).toBe(original);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ a: 2, mine: true });
  });

  it("refuses to touch a file it cannot parse", async () => {
    const path = join(stateDir(), "openclaw.json");
    writeFileSync(path, "{ broken: ");
    await expect(readConfig(path)).rejects.toThrow(ConfigFileError);
    await expect(readConfig(path)).rejects.toThrow(/not valid JSON5 .*nothing was written/);
    expect(readFileSync(path, "utf8")).toBe("{ broken: ");
  });
});

describe("--dry-run", () => {
  it("masks secret values to a prefix and a length, but not ${VAR} references", () => {
    expect(
      maskSecrets({
        channels: { telegram: { botToken: "123456:ABCDEFsecretsecret" } },
        providers: { p: { apiKey: "${PROXY_API_KEY}" } },
      }),
    ).toEqual({
      channels: { telegram: { botToken: "123456…(25 chars)" } },
      providers: { p: { apiKey: "${PROXY_API_KEY}" } },
    });
  });

  it("prints a unified diff without the secret, or says there is no change", () => {
    const diff = dryRunDiff("openclaw.json", { a: 1 }, { a: 2, token: "sk-ant-oat01-verysecretvalue" });
    expect(diff).toContain('-  "a": 1');
    expect(diff).toContain('+  "token": "sk-ant…(28 chars)"');
    expect(diff).not.toContain("verysecretvalue");
    expect(dryRunDiff("openclaw.json", { a: 1 }, { a: 1 })).toBe("openclaw.json: no change");
  });
});
