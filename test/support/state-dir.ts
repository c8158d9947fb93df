// An existing ~/.openclaw for OPENCLAW_STATE: a copy of a fixture install in a temporary directory,
// owned by uid 1000 as the gateway's user needs it. Ownership is set, and the copy removed, by a
// container, so the test itself needs no root.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker } from "./containers.ts";

const IMAGE = "node:24-bookworm-slim";

export interface StateDir {
  /** The directory to bind-mount as OPENCLAW_STATE. */
  path: string;
  remove(): void;
}

/** A copy of `fixture`; `edit` changes the copy (as this user) before it is handed to uid 1000. */
export function seedStateDir(fixture: string, edit: (dir: string) => void = () => undefined): StateDir {
  const parent = mkdtempSync(join(tmpdir(), "clawbridge-state-"));
  const path = join(parent, "openclaw");
  cpSync(fixture, path, { recursive: true });
  edit(path);
  docker(
    "run",
    "--rm",
    "--network",
    "none",
    "-v",
    `${parent}:/parent`,
    IMAGE,
    "chown",
    "-R",
    "1000:1000",
    "/parent/openclaw",
  );
  return {
    path,
    remove() {
      docker("run", "--rm", "--network", "none", "-v", `${parent}:/parent`, IMAGE, "rm", "-rf", "/parent/openclaw");
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
