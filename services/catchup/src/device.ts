// The catch-up's own device identity for the gateway's WebSocket: an Ed25519 key pair, its id the
// SHA-256 of the raw public key (as OpenClaw derives it), and the device token the gateway issues once
// the pairing is approved. Kept in the state volume (device.json, mode 0600): a new container keeps
// its pairing.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Device {
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  /** Issued by the gateway after pairing, for the operator role. */
  token?: string | undefined;
  scopes?: string[] | undefined;
}

/** The raw 32-byte Ed25519 public key (the end of its SPKI DER), base64url. */
export function publicKeyRaw(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return der.subarray(der.length - 32).toString("base64url");
}

export const signPayload = (privateKeyPem: string, payload: string): string =>
  sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)).toString("base64url");

export function newDevice(): Device {
  const { publicKey: publicKeyPem, privateKey: privateKeyPem } = generateKeyPairSync("ed25519", {
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    deviceId: createHash("sha256")
      .update(Buffer.from(publicKeyRaw(publicKeyPem), "base64url"))
      .digest("hex"),
    publicKeyPem,
    privateKeyPem,
  };
}

export class DeviceStore {
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, "device.json");
  }

  loadOrCreate(): Device {
    try {
      return JSON.parse(readFileSync(this.file, "utf8")) as Device;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const device = newDevice();
    this.save(device);
    return device;
  }

  save(device: Device): void {
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(device, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}
