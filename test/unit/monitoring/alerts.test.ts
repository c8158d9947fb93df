// The alert rules name only metrics the services export: a renamed metric fails here, not silently in
// someone's Prometheus.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAXAPI_METRICS } from "../../../lib/limits/src/index.ts";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("monitoring/alerts.yml", () => {
  it("every metric its expressions read is one maxapi or the catch-up exports", () => {
    const exprs = [...read("monitoring/alerts.yml").matchAll(/^\s+expr: (.+)$/gm)].map(([, expr]) => expr ?? "");
    const used = new Set(exprs.flatMap((expr) => expr.match(/\b(?:maxapi|catchup)_[a-z_]+/g) ?? []));
    const maxapi: string[] = Object.values(MAXAPI_METRICS); // maxapi answers each (test/unit/maxapi/metrics.test.ts)
    const catchup = read("services/catchup/src/app.ts");
    expect(used.size).toBeGreaterThan(8);
    for (const name of used)
      expect(maxapi.includes(name) || new RegExp(`name: "${name}"|"${name}"`).test(catchup), name).toBe(true);
  });
});
