// `--dry-run`: the change as a unified diff, with secret values masked to a prefix and a length.
// References such as "${PROXY_API_KEY}" are not secrets and stay readable.
import { createTwoFilesPatch } from "diff";
import { isPlainObject, type JsonObject } from "../json.ts";
import { serialize } from "./config-file.ts";

const SECRET_KEY = /(token|key|secret|password)$/i;
const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export const maskSecret = (value: string) => `${value.slice(0, 6)}…(${value.length} chars)`;

export function maskSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  if (typeof value === "string" && SECRET_KEY.test(key) && !ENV_REFERENCE.test(value)) return maskSecret(value);
  return value;
}

export function dryRunDiff(path: string, current: JsonObject | undefined, next: JsonObject): string {
  const before = current ? serialize(maskSecrets(current) as JsonObject) : "";
  const after = serialize(maskSecrets(next) as JsonObject);
  if (before === after) return `${path}: no change`;
  return createTwoFilesPatch(`${path} (now)`, `${path} (rendered)`, before, after, undefined, undefined, {
    context: 3,
  });
}
