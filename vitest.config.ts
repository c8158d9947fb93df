import { defineConfig } from "vitest/config";

// `unit` runs in-process (pure functions and the apps against a real HTTP mock upstream);
// `containers` builds images and runs them on the Docker engine, so it is slower.
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
          include: ["test/containers/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // tests that mostly wait for the clock (a usage window's reset): `make test-long`; `make test`
        // runs it in a second process beside `containers` (the Makefile's test-all-containers)
        test: {
          name: "containers-long",
          include: ["test/containers/long/*.test.ts"],
          testTimeout: 1_500_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
