// GET /v1/limits, the contract between maxapi (which answers it) and the catch-up service (which
// reads it through the normalizer): the subscription's windows, extra usage and billing refusals.
export interface WindowReport {
  window: string;
  status: string;
  utilization: number | null;
  resetsAt: string | null;
  refusedLocally: number;
}

export interface LimitsReport {
  windows: WindowReport[];
  extraUsage: { setting: string; inUse: { window: string; resetsAt: string }[]; answers: number; refused: number };
  billing: { refusals: Record<string, number>; lastAt: string | null };
}
