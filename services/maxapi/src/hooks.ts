// What clawbridge adds to claude-max-api, registered where the package's patched code looks for it
// (patches/…006…): the package stays the server and the CLI runner; new behaviour lives here.
//   clientTools(body)  the request's tools for the CLI (tools/client-tools.ts), or undefined
import { clientTools, sweepToolsDirs } from "./tools/client-tools.ts";

export const HOOKS_KEY = Symbol.for("clawbridge.maxapi");

export interface Hooks {
  clientTools: typeof clientTools;
}

export function registerHooks(): void {
  sweepToolsDirs(); // what a killed predecessor left in /tmp
  (globalThis as Record<symbol, Hooks>)[HOOKS_KEY] = { clientTools };
}
