// Polling for container tests: state that changes outside the test (health, restarts, logs).
import { setTimeout as sleep } from "node:timers/promises";

/** The probe's first value that is neither undefined nor false; throws after `attempts` tries. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  attempts = 100,
  everyMs = 200,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what}`);
}
