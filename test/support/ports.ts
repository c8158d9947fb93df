// Loopback ports nothing listens on, for servers a test or benchmark starts (or for a dead upstream).
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";

/** `count` distinct free ports on 127.0.0.1, held open together so the OS cannot hand one out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().listen(0, "127.0.0.1"));
  await Promise.all(servers.map((server) => once(server, "listening")));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(
    servers.map((server) => {
      server.close();
      return once(server, "close");
    }),
  );
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("no free port");
  return port;
}
