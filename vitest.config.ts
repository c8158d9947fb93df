import { defineConfig } from "vitest/config";

// Two projects: `unit` runs in-process (pure functions and the app against a real HTTP mock
// upstream); `containers` builds images and runs them on the Docker engine, so it is slower.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "containers",
          include: ["test/containers/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
