// Settings that reach a service in docker-compose.yml and not in compose.swarm.yml, on purpose, with
// the reason (test/unit/settings/swarm-parity.test.ts fails on any other difference, and on an entry
// here that is no longer one). On Swarm, config-init runs inside the gateway's task, so its settings
// count as the gateway's there.
export interface SwarmDifference {
  variables: readonly string[];
  /** The services of docker-compose.yml that get them. */
  services: readonly string[];
  reason: string;
}

export const SWARM_DIFFERENCES: readonly SwarmDifference[] = [
  {
    variables: ["COMPOSE_PROFILES"],
    services: ["config-init", "maxapi", "normalizer", "gateway", "catchup"],
    reason: "Swarm places services on nodes by label (clawbridge.proxy, clawbridge.gateway), not by profile",
  },
  {
    variables: ["AUTH_MODE", "NORMALIZER_URL"],
    services: ["config-init", "catchup"],
    reason:
      "a Swarm stack runs maxapi and the normalizer itself: compose.swarm.yml fixes max-proxy and the stack's own normalizer",
  },
  {
    variables: ["CLAUDE_SETUP_TOKEN"],
    services: ["config-init"],
    reason: "config-init uses it only with AUTH_MODE=setup-token; on Swarm it is maxapi's docker secret",
  },
  {
    variables: ["OPENCLAW_VERSION"],
    services: ["config-init", "gateway"],
    reason: "Swarm builds no image: it runs the images make push built, with the versions of that build",
  },
  {
    variables: ["CLAUDE_CODE_VERSION"],
    services: ["maxapi"],
    reason: "Swarm builds no image: it runs the images make push built, with the versions of that build",
  },
  {
    variables: ["OPENCLAW_STATE"],
    services: ["config-init", "gateway"],
    reason:
      "OpenClaw's state is a named volume on the gateway node; a bind mount of an existing install names a path on one machine",
  },
  {
    variables: ["GATEWAY_BIND"],
    services: ["gateway"],
    reason:
      "Swarm cannot publish on one address: compose.swarm.publish.yml (make deploy PUBLISH=1) publishes GATEWAY_PORT on every interface of the gateway node",
  },
  {
    variables: ["NORMALIZER_BIND", "NORMALIZER_PORT"],
    services: ["normalizer"],
    reason: "the stack's overlay network joins the gateway node to the proxy node: the normalizer is never published",
  },
  {
    variables: ["HEALTHCHECK_START_INTERVAL"],
    services: ["maxapi", "normalizer", "gateway", "catchup"],
    reason: "docker stack deploy's file format (docker CLI 28) rejects start_interval",
  },
  {
    variables: ["HEALTHCHECK_START_PERIOD"],
    services: ["catchup"],
    reason:
      "fixed at 150 s: the catch-up is unhealthy until it reaches the gateway, whose task renders its config first (up to 90 s)",
  },
];
