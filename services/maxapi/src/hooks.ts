// What clawbridge adds to claude-max-api, registered where the package's patched code looks for it
// (patches/…006…, …007…, …008…): the package stays the server and the CLI runner; new behaviour lives here.
//   cliInput(body)     the conversation as the CLI's stdin, images as image blocks (input/cli-input.ts)
//   clientTools(body)  the request's tools for the CLI (tools/client-tools.ts), or undefined
//   explainAuthError   a CLI auth error in plain words, with the fix (cli-auth.ts; patch 008)
//   maxBodyBytes       the largest request body the server parses
import { explainAuthError } from "./cli-auth.ts";
import { cliInput } from "./input/cli-input.ts";
import { clientTools, sweepToolsDirs } from "./tools/client-tools.ts";

export const HOOKS_KEY = Symbol.for("clawbridge.maxapi");

export interface Hooks {
  cliInput: typeof cliInput;
  clientTools: typeof clientTools;
  explainAuthError: typeof explainAuthError;
  maxBodyBytes: number;
}

export function registerHooks(settings: { MAX_BODY_BYTES: number }): void {
  sweepToolsDirs(); // what a killed predecessor left in /tmp
  (globalThis as Record<symbol, Hooks>)[HOOKS_KEY] = { cliInput, clientTools, explainAuthError, maxBodyBytes: settings.MAX_BODY_BYTES };
}
