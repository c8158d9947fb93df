// Secrets in verify's output: at most a well-known prefix and the length (`sk-ant-oat01-…(108)`,
// `…(27)`), never the value. Everything verify prints passes through redact() with every secret
// value of the stack's resolved environment, so a secret echoed by some command is masked too.

// Prefixes that say what a credential is without revealing any of it.
const KNOWN_PREFIX = /^sk-ant-[a-z]+\d*-/;

/** Environment variable names whose values are secrets (not their `_FILE` paths). */
export const isSecretName = (name: string): boolean =>
  /TOKEN|KEY|SECRET|PASSWORD|PASSWD/i.test(name) && !name.endsWith("_FILE");

/** `sk-ant-oat01-…(108)`, `…(27)`, or `(empty)`. */
export function mask(value: string): string {
  if (value === "") return "(empty)";
  const prefix = KNOWN_PREFIX.exec(value)?.[0] ?? "";
  return `${prefix}…(${value.length})`;
}

/** The secret values in some environments (name → value), longest first, without duplicates. */
export function secretValues(environments: Iterable<Record<string, string>>): string[] {
  const values = new Set<string>();
  for (const env of environments) {
    for (const [name, value] of Object.entries(env)) if (isSecretName(name) && value.trim() !== "") values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

// A cut-off copy must keep at least this much of the secret to be recognised (shorter pieces are
// too common to mask without mangling ordinary text).
const MIN_PIECE = 8;

/** Masks one secret: every whole copy, and a cut-off copy (its start, then "…" or the end of a line). */
function redactOne(text: string, secret: string): string {
  if (secret.length < 6) return text;
  const known = KNOWN_PREFIX.exec(secret)?.[0] ?? "";
  const head = secret.slice(0, known.length + MIN_PIECE);
  let out = "";
  let from = 0;
  for (let at = text.indexOf(head, from); at >= 0; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end - at < secret.length && text[end] === secret[end - at]) end++;
    const cut = end === text.length || text[end] === "…" || text[end] === "\n";
    if (end - at === secret.length || (head.length < secret.length && cut)) {
      out += text.slice(from, at) + mask(secret);
    } else {
      out += text.slice(from, end);
    }
    from = end;
  }
  return out + text.slice(from);
}

/** The text with every secret (and every cut-off copy of one) masked. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce(redactOne, text);
}
