// How the subscription's windows and their resets read in errors, logs and `make verify`: the
// window by the name the Claude apps give it, a reset as a UTC clock time and a wait.

export const WINDOW_NAMES: Readonly<Record<string, string>> = {
  five_hour: "5-hour window",
  seven_day: "weekly window",
  seven_day_opus: "weekly Opus window",
  seven_day_sonnet: "weekly Sonnet window",
  seven_day_overage_included: "weekly included-usage window",
};

/** Weekly windows of one model family hold back only that family's requests: the other models still answer. */
export const FAMILY_OF_WINDOW: Readonly<Record<string, string>> = {
  seven_day_opus: "opus",
  seven_day_sonnet: "sonnet",
};

/** The window as people call it; a name this CLI version did not know stays as the CLI gave it. */
export const windowName = (window: string): string => WINDOW_NAMES[window] ?? `${window} window`;

/** "09:31 UTC", with the date when the reset is not within a day: "09:31 UTC on 2026-12-07". */
export function resetTime(resetsAtMs: number, nowMs: number): string {
  const iso = new Date(resetsAtMs).toISOString();
  const clock = `${iso.slice(11, 16)} UTC`;
  return resetsAtMs - nowMs < 24 * 3600_000 ? clock : `${clock} on ${iso.slice(0, 10)}`;
}

/** "2 h 3 min", "45 min", "under a minute". */
export function waitFor(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms < 60_000) return "under a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(" ");
}

export const percent = (utilization: number): string => `${Math.round(utilization * 100)} %`;
