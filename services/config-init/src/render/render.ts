// Templates: JSON5 files in config-templates/ with placeholders. `${NAME}` stands unquoted as a
// whole value and becomes the JSON encoding of that variable's value (so quotes, newlines and
// numbers come out right). Only declared variables exist: an unknown or valueless placeholder fails
// the render. `$${NAME}` is written out as `${NAME}`, for OpenClaw's own substitution at run time
// (how secrets stay out of the file: `apiKey: "$${PROXY_API_KEY}"`).
import JSON5 from "json5";
import { isPlainObject, type JsonObject } from "../json.ts";

export class RenderError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`cannot render the OpenClaw config: ${problems.join("; ")}`);
    this.name = "RenderError";
    this.problems = problems;
  }
}

const PLACEHOLDER = /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Renders one template into an object; `name` labels error messages (`main.json5:12`). */
export function renderTemplate(source: string, name: string, variables: Readonly<Record<string, unknown>>): JsonObject {
  const problems: string[] = [];
  const text = source.replace(PLACEHOLDER, (_match, escaped: string, variable: string, offset: number) => {
    if (escaped) return `\${${variable}}`;
    const where = `${name}:${source.slice(0, offset).split("\n").length}`;
    if (!Object.hasOwn(variables, variable)) {
      problems.push(`${where}: unknown placeholder \${${variable}}`);
      return "null";
    }
    const value = variables[variable];
    if (value === undefined) {
      problems.push(`${where}: \${${variable}} has no value`);
      return "null";
    }
    return JSON.stringify(value);
  });
  if (problems.length > 0) throw new RenderError(problems);

  let rendered: unknown;
  try {
    rendered = JSON5.parse(text);
  } catch (error) {
    const hint = "placeholders stand unquoted as whole values, e.g. `port: ${PORT}`";
    throw new RenderError([`${name}: not valid JSON5 after substitution (${(error as Error).message}); ${hint}`]);
  }
  if (!isPlainObject(rendered)) throw new RenderError([`${name}: must render to an object`]);
  return rendered;
}
