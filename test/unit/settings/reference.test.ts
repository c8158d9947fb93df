// The settings reference and .env.example against the code. docs/settings.md is what tools/settings
// writes now; .env.example names the variables compose uses, each value the code's default; the
// compose files write no default of a service's setting, and compose's own defaults as
// tools/settings/compose-variables.ts has them.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  COMPOSE_FILE,
  environmentOf,
  fileReferences,
  readCompose,
  readText,
  ROOT,
  SWARM_FILES,
  variablesReaching,
} from "../../../tools/settings/compose-files.ts";
import { COMPOSE_VARIABLES } from "../../../tools/settings/compose-variables.ts";
import { composeVariable, defaultsOf, exampleAssignments, receivers } from "../../../tools/settings/env-file.ts";
import { configReferences, SERVICE_SETTINGS, settingsOf } from "../../../tools/settings/services.ts";
import { settingsDoc } from "../../../tools/settings/settings-doc.ts";

const COMPOSE_FILES = [
  COMPOSE_FILE,
  ...SWARM_FILES,
  ...readdirSync(`${ROOT}/compose`).map((name) => `compose/${name}`),
];
const settingNames = new Set(
  SERVICE_SETTINGS.flatMap((settings) => settings.variables.map((variable) => variable.name)),
);
const usedByCompose = () =>
  new Set([...variablesReaching(COMPOSE_FILE).values()].flatMap((variables) => [...variables]));

describe("docs/settings.md", () => {
  it("is what make docs-settings writes from the settings modules and the compose files", () => {
    expect(
      readText("docs/settings.md") === settingsDoc(),
      "docs/settings.md is out of date: run make docs-settings",
    ).toBe(true);
  });
});

describe(".env.example", () => {
  it("has each variable docker-compose.yml uses, and no other", () => {
    const names = exampleAssignments().map((assignment) => assignment.name);
    expect(names.length).toBe(new Set(names).size);
    expect(names.sort()).toEqual([...usedByCompose()].sort());
  });

  it("gives a variable the code's default, or leaves it empty (the default applies)", () => {
    const wrong = exampleAssignments()
      .filter(
        ({ name, value }) =>
          value !== "" &&
          value !== composeVariable(name)?.example &&
          !(defaultsOf(name).length === 1 && defaultsOf(name)[0] === value),
      )
      .map(
        ({ name, value, line }) =>
          `.env.example:${line} ${name}=${value}, the default is ${defaultsOf(name).join(" or ") || "none"}`,
      );
    expect(wrong).toEqual([]);
  });
});

describe("the compose files", () => {
  it("pass a service's setting as a value only (${NAME:-}), and write compose's own defaults as compose-variables.ts has them", () => {
    const wrong = COMPOSE_FILES.flatMap((path) =>
      fileReferences(path)
        .filter(({ operator }) => operator.endsWith("-"))
        .filter(({ variable, operand }) => (composeVariable(variable)?.default ?? "") !== operand)
        .map(
          ({ variable, operand }) =>
            `${path}: \${${variable}:-${operand}}, ${composeVariable(variable) ? `compose-variables.ts has ${composeVariable(variable)?.default}` : "a service's setting: its default is the service's"}`,
        ),
    );
    expect(wrong).toEqual([]);
  });

  it("use only compose's own variables and the services' settings; each of compose's own is used", () => {
    const used = new Set(COMPOSE_FILES.flatMap((path) => fileReferences(path).map((reference) => reference.variable)));
    const unknown = [...used].filter(
      (name) => !composeVariable(name) && !settingNames.has(name) && !receivers().has(name),
    );
    expect(unknown).toEqual([]);
    expect(COMPOSE_VARIABLES.map((variable) => variable.name).filter((name) => !used.has(name))).toEqual([]);
  });

  it("give a service with a settings module only variables it reads", () => {
    const unread = [COMPOSE_FILE, ...SWARM_FILES].flatMap((path) =>
      Object.entries(readCompose(path).services).flatMap(([service, definition]) => {
        const variables = settingsOf(service)?.variables;
        if (!variables) return [];
        const reads = (name: string) =>
          variables.some(
            (variable) => variable.name === name || (variable.fileSecret && `${variable.name}_FILE` === name),
          );
        return Object.keys(environmentOf(definition))
          .filter((name) => !reads(name))
          .map((name) => `${path}: ${service} gets ${name}`);
      }),
    );
    expect(unread).toEqual([]);
  });

  it("give a .env variable one default in all the services it reaches", () => {
    const split = [...receivers()]
      .filter(([, list]) => new Set(list.map((receiver) => receiver.variable.default)).size > 1)
      .map(
        ([name, list]) =>
          `${name}: ${list.map((receiver) => `${receiver.service} ${receiver.variable.default ?? "(none)"}`).join(", ")}`,
      );
    expect(split).toEqual([]);
  });
});

describe("the images", () => {
  // an image's ENV sets a variable for `docker run` without compose (and for `docker exec`)
  const IMAGES: Readonly<Record<string, string>> = {
    maxapi: "Dockerfile.maxapi",
    normalizer: "Dockerfile.normalizer",
    catchup: "Dockerfile.catchup",
    "config-init": "Dockerfile.gateway",
  };

  it("set a service's variable, if at all, to its default", () => {
    const wrong = Object.entries(IMAGES).flatMap(([service, dockerfile]) => {
      const instructions = readText(dockerfile)
        .replace(/\\\n/g, " ")
        .split("\n")
        .filter((line) => line.startsWith("ENV "));
      const set = instructions.flatMap((line) =>
        [...line.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map(([, name = "", value = ""]) => ({ name, value })),
      );
      return set.flatMap(({ name, value }) => {
        const variable = settingsOf(service)?.variables.find((candidate) => candidate.name === name);
        return variable && variable.default !== value
          ? [`${dockerfile}: ENV ${name}=${value}, ${service}'s default is ${variable.default ?? "none"}`]
          : [];
      });
    });
    expect(wrong).toEqual([]);
  });
});

describe("the gateway", () => {
  it("gets in docker-compose.yml each variable openclaw.json refers to, and no other", () => {
    const gateway = readCompose(COMPOSE_FILE).services.gateway ?? {};
    expect(Object.keys(environmentOf(gateway)).sort()).toEqual(configReferences());
  });

  it("reads NAME_FILE for each of config-init's file secrets, as config-init does", () => {
    const shell =
      /^for name in ([^;]+); do/m.exec(readText("services/gateway/secrets-from-files.sh"))?.[1]?.trim().split(/\s+/) ??
      [];
    const configInit =
      settingsOf("config-init")
        ?.variables.filter((variable) => variable.fileSecret)
        .map((variable) => variable.name) ?? [];
    expect(shell.sort()).toEqual(configInit.sort());
  });
});
