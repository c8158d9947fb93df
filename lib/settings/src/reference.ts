// A settings module's variables as data, for the reference (docs/settings.md, written by
// `make docs-settings`): each one's default as .env writes it, whether it must be set, whether a
// docker secret's file can hold it, and what it does. The zod shape is the one place a default is
// written; this reads it from there.
import { z } from "zod";
import type { Help, ReadOptions } from "./read.ts";

export interface VariableReference {
  name: string;
  /** The default as .env would write it; undefined when there is none (unset: off, or refused). */
  default: string | undefined;
  /** Unset, the service refuses to start (no default, not optional). */
  required: boolean;
  /** NAME_FILE may name a file holding it (a docker secret). */
  fileSecret: boolean;
  description: string;
}

export function describeVariables<Shape extends z.ZodRawShape>(
  shape: Shape,
  help: Help<Shape>,
  options: ReadOptions<Shape> = {},
): VariableReference[] {
  const fileSecrets: readonly string[] = options.fileSecrets ?? [];
  return Object.entries(shape).map(([name, schema]) => {
    const { value, optional } = defaultOf(schema);
    return {
      name,
      default: value === undefined ? undefined : envText(name, value),
      required: !optional,
      fileSecret: fileSecrets.includes(name),
      description: help[name as keyof Shape].description,
    };
  });
}

/** The default a schema applies to an unset variable, looking through the pipes a transform adds. */
function defaultOf(schema: unknown): { value: unknown; optional: boolean } {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault)
    return { value: schema.def.defaultValue, optional: true };
  if (schema instanceof z.ZodOptional) return { value: undefined, optional: true };
  if (schema instanceof z.ZodPipe) return defaultOf(schema.in);
  return { value: undefined, optional: false };
}

function envText(name: string, value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  // a transform's default in its parsed form has no .env spelling: `.prefault(text)` keeps the text
  throw new Error(`${name}'s default is no .env value; write it as the text .env would hold, with .prefault()`);
}
