// One line of verify's table: a check, its outcome, what was seen and, for a failure, what to do.

export type Status = "ok" | "FAIL" | "skip";

export interface Row {
  check: string;
  status: Status;
  detail: string;
  /** A command or step that fixes a failure; empty for ok and skip. */
  fix: string;
}

export const ok = (check: string, detail: string): Row => ({ check, status: "ok", detail, fix: "" });
export const fail = (check: string, detail: string, fix: string): Row => ({ check, status: "FAIL", detail, fix });
export const skip = (check: string, detail: string): Row => ({ check, status: "skip", detail, fix: "" });
