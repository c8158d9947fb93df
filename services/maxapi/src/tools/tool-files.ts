// The tool definitions files the stub MCP server reads (stub-server.ts), one per distinct tool set:
// named after a hash of their content, so two requests with the same tools give the CLI the same
// arguments (which is what lets a warm CLI process started for one serve the next, warm/pool.ts),
// and counted: a file stays while a request or a warm process holds it, and goes with the last.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TOOLS_DIR_PREFIX = "clawbridge-tools-";

const holds = new Map<string, number>(); // file → holders

/** Writes the definitions (once per content) and holds the file; the function releases the hold. */
export function holdToolsFile(definitions: unknown): { file: string; release: () => void } {
  const json = JSON.stringify(definitions);
  const dir = join(tmpdir(), `${TOOLS_DIR_PREFIX}${createHash("sha256").update(json).digest("hex").slice(0, 16)}`);
  const file = join(dir, "tools.json");
  if (!holds.has(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, json, { mode: 0o600 });
  }
  holds.set(file, (holds.get(file) ?? 0) + 1);
  return { file, release: once(() => release(file)) };
}

/** Holds a tools file someone holds already (a warm process started for the same tools will read it). */
export function holdToolsFileAgain(file: string | undefined): () => void {
  if (file === undefined || !holds.has(file)) return () => {};
  holds.set(file, (holds.get(file) ?? 0) + 1);
  return once(() => release(file));
}

function release(file: string): void {
  const left = (holds.get(file) ?? 1) - 1;
  if (left > 0) {
    holds.set(file, left);
    return;
  }
  holds.delete(file);
  removeDir(join(file, ".."));
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover in the tmpfs, swept at the next start; never worth failing a response for
  }
}

/** Tool definitions a killed process left behind (called at start). */
export function sweepToolsDirs(): void {
  for (const entry of readdirSync(tmpdir())) if (entry.startsWith(TOOLS_DIR_PREFIX)) removeDir(join(tmpdir(), entry));
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
