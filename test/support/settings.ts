// The problems a service's settings loader reports for an environment (none: an empty list).
import { SettingsError } from "@clawbridge/settings";

export function problemsWith(load: (env: NodeJS.ProcessEnv) => unknown): (env: NodeJS.ProcessEnv) => string[] {
  return (env) => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof SettingsError) return error.problems;
      throw error;
    }
    return [];
  };
}
