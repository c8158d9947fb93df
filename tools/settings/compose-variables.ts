// Variables that only compose and Swarm read: profiles, image tags and versions, binds and ports,
// healthcheck timings, the registry and the secrets' files. No service has a settings module for
// them, so this list is their one home: each compose file writes a default as it is here (compose
// cannot name a default once), a unit test holds them to it, and docs/settings.md is written from it.
import { PORTS } from "@clawbridge/settings";

export interface ComposeVariable {
  name: string;
  /** As `${NAME:-default}` writes it; "" for none. */
  default: string;
  description: string;
  /** The value .env.example gives it, when that is not the default. */
  example?: string;
}

export const COMPOSE_VARIABLES: readonly ComposeVariable[] = [
  {
    name: "COMPOSE_PROFILES",
    default: "",
    description:
      "Which services run on this machine: a mode's (max-proxy: all five; setup-token: config-init, the gateway and the catch-up) or a role's (proxy: maxapi and the normalizer; gateway: config-init, the gateway and the catch-up); unset: all",
    example: "${AUTH_MODE}",
  },
  {
    name: "CLAWBRIDGE_VERSION",
    default: "0.1.0",
    description: "Tag of the clawbridge/* images that compose builds and runs (and Swarm pulls)",
  },
  {
    name: "OPENCLAW_VERSION",
    default: "2026.9.6",
    description: "OpenClaw release built into the gateway and config-init images",
  },
  {
    name: "CLAUDE_CODE_VERSION",
    default: "",
    description:
      "Claude Code release built into the maxapi image; empty: the tested one (services/maxapi/package.json)",
  },
  {
    name: "OPENCLAW_STATE",
    default: "openclaw-state",
    description:
      "An existing ~/.openclaw (owned by uid 1000) to bind-mount and migrate instead of the named volume openclaw-state",
  },
  { name: "GATEWAY_BIND", default: "127.0.0.1", description: "Address on this machine where the gateway is published" },
  {
    name: "GATEWAY_PORT",
    default: String(PORTS.gateway),
    description: "Port on this machine where the gateway is published (on Swarm with make deploy PUBLISH=1)",
  },
  {
    name: "NORMALIZER_BIND",
    default: "",
    description:
      "A proxy host's address where the normalizer is published for gateways on other machines (it then needs PROXY_API_KEY); empty: not published",
  },
  {
    name: "NORMALIZER_PORT",
    default: String(PORTS.normalizer),
    description: "Port where the normalizer is published, with NORMALIZER_BIND",
  },
  {
    name: "HEALTHCHECK_INTERVAL",
    default: "10s",
    description: "How often each service's health is checked once it has started",
  },
  { name: "HEALTHCHECK_TIMEOUT", default: "3s", description: "How long one health check may take" },
  { name: "HEALTHCHECK_RETRIES", default: "3", description: "Failed checks in a row that make a service unhealthy" },
  {
    name: "HEALTHCHECK_START_PERIOD",
    default: "30s",
    description: "How long a service may take to start before failed checks count",
  },
  {
    name: "HEALTHCHECK_START_INTERVAL",
    default: "1s",
    description: "How often health is checked while a service starts (Docker Engine 25+)",
  },
  {
    name: "REGISTRY",
    default: "",
    description: "Swarm: the registry the images come from (make deploy REGISTRY=registry.example.com/team)",
  },
  {
    name: "SECRETS_DIR",
    default: "./secrets",
    description: "Swarm: where make deploy writes the docker secrets' files",
  },
  {
    name: "SECRETS_VERSION",
    default: "1",
    description:
      "Swarm: the docker secrets' name suffix; make deploy makes it from their contents, so a new value makes new secrets",
  },
];
