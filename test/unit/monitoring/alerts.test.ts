// The alert rules name only metrics the services export: a renamed metric fails here, not silently in
// someone's Prometheus.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("monitoring/alerts.yml", () => {
  it("every metric its expressions read is one maxapi or the catch-up exports", () => {
    const exprs = [...read("monitoring/alerts.yml").matchAll(/^\s+expr: (.+)$/gm)].map(([, expr]) => expr ?? "");
    const used = new Set(exprs.flatMap((expr) => expr.match(/\b(?:maxapi|catchup)_[a-z_]+/g) ?? []));
    const exported = read("services/maxapi/src/metrics.ts") + read("services/catchup/src/app.ts");
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(exported, name).toMatch(new RegExp(`name: "${name}"|"${name}"`));
  });
});
