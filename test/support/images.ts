// Images for tests and benchmarks: small real files of each format (test/fixtures/images, made
// once with ImageMagick), PNGs of any size made here, and the fingerprint the mock records.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

export type Fixture = "png" | "jpg" | "gif" | "webp" | "tiff" | "bmp";

/** A 4x3 gradient in the given format. */
export const fixtureImage = (format: Fixture): Buffer =>
  readFileSync(new URL(`../fixtures/images/red-blue.${format}`, import.meta.url));

export const dataUrl = (bytes: Buffer, mediaType: string): string =>
  `data:${mediaType};base64,${bytes.toString("base64")}`;

export const imagePart = (url: string) => ({ type: "image_url" as const, image_url: { url } });

/** What tests compare: the first 16 hex digits of the SHA-256 of the base64 text. */
export const fingerprint = (base64: string): string => createHash("sha256").update(base64).digest("hex").slice(0, 16);

/**
 * An RGB PNG of `width` x `height`: random pixels (incompressible: the file is ~3 bytes a pixel)
 * or one flat colour (a few hundred bytes however large the picture).
 */
export function png(width: number, height: number, { noise = false } = {}): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const row = (y: number) =>
    Buffer.concat([Buffer.from([0]), noise ? randomBytes(width * 3) : Buffer.alloc(width * 3, y % 256)]);
  const pixels = Buffer.concat(Array.from({ length: height }, (_, y) => row(y)));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
