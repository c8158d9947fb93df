// The commands a fix tells the user to run, for the deployment verify checks: a compose project
// (`docker compose logs --tail 50 maxapi`) or a Swarm stack (`docker service logs --tail 50
// clawbridge_maxapi`). Each row's fix is written once, in these terms.

export interface Commands {
  /** How the deployment is named in messages: `docker compose`, `the Swarm stack clawbridge`. */
  readonly display: string;
  logs(services: string, tail?: number): string;
  /** The prefix that runs a command in a service's container: `… openclaw cron list` follows. */
  execIn(service: string): string;
  /** Starts what is missing. */
  up(services?: string): string;
  /** Applies changed settings (.env) to running services. */
  recreate(services?: string): string;
  restart(service: string): string;
  /** Rebuilds images and runs them. */
  rebuild(services: string): string;
  ps(service?: string): string;
  /** `display`, so `${commands}` reads as the deployment's command. */
  toString(): string;
}

const words = (services: string | undefined) => (services ?? "").split(/\s+/).filter(Boolean);

export function composeCommands(dc: string): Commands {
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(" ");
  return {
    display: dc,
    logs: (services, tail) => join(dc, "logs", tail === undefined ? undefined : `--tail ${tail}`, services),
    execIn: (service) => `${dc} exec ${service}`,
    up: (services) => join(dc, "up -d", services),
    recreate: (services) => join(dc, "up -d --force-recreate", services),
    restart: (service) => `${dc} restart ${service}`,
    rebuild: (services) => `${dc} build ${services} && ${dc} up -d`,
    ps: (service) => join(dc, "ps", service),
    toString: () => dc,
  };
}

/** For a stack deployed with `make deploy` (bin/swarm-deploy): services are `<stack>_<service>`. */
export function swarmCommands(stack: string): Commands {
  const name = (service: string) => `${stack}_${service}`;
  const deploy = stack === "clawbridge" ? "make deploy" : `STACK=${stack} make deploy`;
  return {
    display: `the Swarm stack ${stack}`,
    logs: (services, tail) =>
      words(services)
        .map((service) => `docker service logs${tail === undefined ? "" : ` --tail ${tail}`} ${name(service)}`)
        .join("; "),
    execIn: (service) => `docker exec $(docker ps -q -f label=com.docker.swarm.service.name=${name(service)})`,
    up: () => deploy,
    recreate: () => `${deploy} (new secrets and settings roll the services)`,
    restart: (service) => `docker service update --force ${name(service)}`,
    rebuild: () => `make push REGISTRY=… && ${deploy}`,
    ps: (service) => (service ? `docker service ps ${name(service)}` : `docker stack ps ${stack}`),
    toString: () => `the Swarm stack ${stack}`,
  };
}
