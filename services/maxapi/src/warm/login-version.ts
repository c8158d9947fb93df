// The login `make login` stored (the CLI rewrites it when it refreshes): its modification time, so
// the pool can tell a warm process that read an older login (warm/pool.ts).
import { statSync } from "node:fs";
import { join } from "node:path";

export function loginVersion(): string {
  const file = join(process.env.CLAUDE_CONFIG_DIR ?? join(process.env.HOME ?? "", ".claude"), ".credentials.json");
  return String(statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
}
