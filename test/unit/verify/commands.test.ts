import { describe, expect, it } from "vitest";
import { composeCommands, swarmCommands } from "../../../services/verify/src/commands.ts";
import { serviceRows } from "../../../services/verify/src/services.ts";

describe("fixes name the deployment's own commands", () => {
  it("compose: docker compose …", () => {
    const dc = composeCommands("docker compose -p x");
    expect([
      dc.logs("normalizer maxapi", 50),
      dc.execIn("gateway"),
      dc.up("maxapi"),
      dc.recreate("config-init gateway"),
      dc.restart("maxapi"),
      dc.rebuild("normalizer maxapi"),
      dc.ps(),
    ]).toEqual([
      "docker compose -p x logs --tail 50 normalizer maxapi",
      "docker compose -p x exec gateway",
      "docker compose -p x up -d maxapi",
      "docker compose -p x up -d --force-recreate config-init gateway",
      "docker compose -p x restart maxapi",
      "docker compose -p x build normalizer maxapi && docker compose -p x up -d",
      "docker compose -p x ps",
    ]);
  });

  it("Swarm: docker service …, make deploy, docker exec into the task's container", () => {
    const dc = swarmCommands("clawbridge");
    expect(dc.logs("normalizer maxapi", 50)).toBe(
      "docker service logs --tail 50 clawbridge_normalizer; docker service logs --tail 50 clawbridge_maxapi",
    );
    expect(dc.execIn("gateway")).toBe(
      "docker exec $(docker ps -q -f label=com.docker.swarm.service.name=clawbridge_gateway)",
    );
    expect(dc.up()).toBe("make deploy");
    expect(dc.restart("maxapi")).toBe("docker service update --force clawbridge_maxapi");
    expect(swarmCommands("staging").up()).toBe("STACK=staging make deploy");
  });

  it("a Swarm task on another node counts as running; an unhealthy local one gets Swarm's fixes", () => {
    const rows = serviceRows(
      ["maxapi", "gateway"],
      [
        {
          service: "maxapi",
          name: "clawbridge_maxapi on node-2",
          state: "running",
          health: "",
          exitCode: 0,
          oneOff: false,
          elsewhere: true,
        },
        {
          service: "gateway",
          name: "clawbridge_gateway.1.x",
          state: "running",
          health: "unhealthy",
          exitCode: 0,
          oneOff: false,
        },
      ],
      swarmCommands("clawbridge"),
    );
    expect(rows[0]).toMatchObject({
      status: "ok",
      detail: "running on another node (clawbridge_maxapi on node-2); its health shows there",
    });
    expect(rows[1]).toMatchObject({ status: "FAIL", detail: "running but unhealthy" });
    expect(rows[1]?.fix).toContain("docker service logs --tail 50 clawbridge_gateway");
    expect(rows[1]?.fix).toContain("docker service update --force clawbridge_gateway");
  });
});
