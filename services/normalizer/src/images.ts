// Images for the model: `data:` URLs checked against what Anthropic's Messages API takes, so a bad
// image gets a 400 naming its part here instead of an upstream error later (or the CLI's silent
// "[Image could not be processed]" note). Remote URLs are never fetched: no request can make the
// stack reach an address of its choosing.
import { imageSize } from "image-size";
import { invalidRequest } from "@clawbridge/openai";

const MB = 1024 * 1024;

/** Anthropic's limits: per image (counted on its base64 text), per side, per request. */
export const IMAGE_LIMITS = { maxBase64Bytes: 5 * MB, maxSide: 8000, maxPerRequest: 100 } as const;

// image-size's name for a format → the media type the API takes
const ACCEPTED: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};
const ACCEPTED_NAMES = "PNG, JPEG, GIF or WebP";
// what a data URL may declare; the bytes then decide (image/jpg is a common misspelling)
const DECLARABLE = new Set([...Object.values(ACCEPTED), "image/jpg", "application/octet-stream", ""]);

const DATA_URL = /^data:([^,]*),/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface CheckedImage {
  /** The media type the bytes show (what the model is told). */
  mediaType: string;
  /** The base64 text, whitespace removed. */
  data: string;
  /** The URL declared no type, or another one than the bytes show. */
  retyped: boolean;
}

/** Checks one `image_url` URL; throws a 400 ApiError naming `param` when the API would not take it. */
export function checkImage(url: string, param: string): CheckedImage {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== "data") {
    throw invalidRequest(
      scheme === "http" || scheme === "https"
        ? `${param}: images are never fetched from a URL here; send the image itself as a data: URL (data:image/png;base64,...)`
        : `${param}: expected a data: URL with the image in base64 (data:image/png;base64,...)`,
      param,
      scheme === "http" || scheme === "https" ? "remote_image_url" : "invalid_image",
    );
  }
  const header = DATA_URL.exec(url);
  const [declared = "", ...attributes] = (header?.[1] ?? "").toLowerCase().split(";");
  if (!header || !attributes.includes("base64")) {
    throw invalidRequest(
      `${param}: the data: URL must hold base64 (data:image/png;base64,...)`,
      param,
      "invalid_image",
    );
  }
  if (!DECLARABLE.has(declared.trim())) {
    throw invalidRequest(
      `${param}: ${declared} is not an image type the model takes (${ACCEPTED_NAMES})`,
      param,
      "unsupported_image_type",
    );
  }
  const data = url.slice(header[0].length).replace(/\s+/g, "");
  if (data.length > IMAGE_LIMITS.maxBase64Bytes) {
    throw invalidRequest(
      `${param}: the image is ${(data.length / MB).toFixed(1)} MB in base64; the model takes at most ${IMAGE_LIMITS.maxBase64Bytes / MB} MB per image (scale it down or compress it)`,
      param,
      "image_too_large",
    );
  }
  if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw invalidRequest(`${param}: the image data is not valid base64`, param, "invalid_image");
  }

  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    ({ type: format, width, height } = imageSize(Buffer.from(data, "base64")));
  } catch {
    // not a format image-size knows, or a header it cannot read
  }
  const mediaType = format && ACCEPTED[format];
  if (!mediaType) {
    throw invalidRequest(
      `${param}: the data is ${format ? `a ${format.toUpperCase()} image` : "not an image"}; the model takes ${ACCEPTED_NAMES}`,
      param,
      "unsupported_image_type",
    );
  }
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) {
    throw invalidRequest(
      `${param}: the image is ${width}x${height} pixels; the model takes at most ${IMAGE_LIMITS.maxSide} on a side`,
      param,
      "image_too_large",
    );
  }
  return { mediaType, data, retyped: declared.trim() !== mediaType };
}
