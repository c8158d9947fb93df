import { describe, expect, it } from "vitest";
import { ApiError } from "@clawbridge/openai";
import { checkImage, IMAGE_LIMITS } from "../../../services/normalizer/src/images.ts";
import { dataUrl, fixtureImage, png } from "../../support/images.ts";

const PARAM = "messages[0].content[1].image_url.url";

function refusal(url: string): ApiError {
  try {
    checkImage(url, PARAM);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the image to be refused");
}

describe("checkImage", () => {
  it.each([
    ["png", "image/png"],
    ["jpg", "image/jpeg"],
    ["gif", "image/gif"],
    ["webp", "image/webp"],
  ] as const)("takes a %s data URL as it is", (format, mediaType) => {
    const bytes = fixtureImage(format);
    expect(checkImage(dataUrl(bytes, mediaType), PARAM)).toEqual({
      mediaType,
      data: bytes.toString("base64"),
      retyped: false,
    });
  });

  it("tells the model the type the bytes show when the URL declares another one, none, or image/jpg", () => {
    const jpeg = fixtureImage("jpg");
    for (const declared of ["image/png", "", "image/jpg", "application/octet-stream"]) {
      expect(checkImage(dataUrl(jpeg, declared), PARAM)).toMatchObject({ mediaType: "image/jpeg", retyped: true });
    }
  });

  it("removes whitespace in the base64 (line-wrapped data URLs)", () => {
    const base64 = fixtureImage("png").toString("base64");
    const wrapped = base64.replace(/(.{20})/g, "$1\r\n");
    expect(checkImage(`data:image/png;base64,${wrapped}`, PARAM).data).toBe(base64);
  });

  it("never fetches a remote URL: 400 remote_image_url, the URL not echoed", () => {
    const error = refusal("https://example.com/cat.png?token=secret");
    expect(error).toMatchObject({ status: 400, code: "remote_image_url", param: PARAM });
    expect(error.message).toMatch(/never fetched.*data: URL/);
    expect(error.message).not.toContain("secret");
  });

  it.each([
    ["not a URL at all", "cat.png", "invalid_image", /expected a data: URL/],
    ["a data URL without base64", "data:image/png,rawbytes", "invalid_image", /must hold base64/],
    ["malformed base64", "data:image/png;base64,iVBOR*w0K", "invalid_image", /not valid base64/],
    ["base64 of the wrong length", "data:image/png;base64,iVBORw0KG", "invalid_image", /not valid base64/],
    ["empty data", "data:image/png;base64,", "invalid_image", /not valid base64/],
    [
      "a declared type the model cannot take",
      dataUrl(fixtureImage("png"), "image/tiff"),
      "unsupported_image_type",
      /image\/tiff is not an image type the model takes/,
    ],
    [
      "TIFF bytes",
      dataUrl(fixtureImage("tiff"), "image/png"),
      "unsupported_image_type",
      /a TIFF image; the model takes PNG, JPEG, GIF or WebP/,
    ],
    ["BMP bytes", dataUrl(fixtureImage("bmp"), ""), "unsupported_image_type", /a BMP image/],
    [
      "bytes that are no image",
      dataUrl(Buffer.from("hello, world"), "image/png"),
      "unsupported_image_type",
      /not an image/,
    ],
  ])("refuses %s with a 400 naming the part", (_, url, code, message) => {
    const error = refusal(url);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", code, param: PARAM });
    expect(error.message).toMatch(new RegExp(`^${PARAM.replace(/[.[\]]/g, "\\$&")}: `));
    expect(error.message).toMatch(message);
  });

  it("refuses an image over the API's 5 MB (of base64) per image, and takes one just under", () => {
    const header = png(2, 2);
    const under = Buffer.concat([
      header,
      Buffer.alloc(Math.floor((IMAGE_LIMITS.maxBase64Bytes / 4) * 3) - header.length - 3),
    ]);
    expect(checkImage(dataUrl(under, "image/png"), PARAM).data.length).toBeLessThanOrEqual(IMAGE_LIMITS.maxBase64Bytes);
    const over = Buffer.concat([header, Buffer.alloc(IMAGE_LIMITS.maxBase64Bytes)]);
    const error = refusal(dataUrl(over, "image/png"));
    expect(error).toMatchObject({ status: 400, code: "image_too_large" });
    expect(error.message).toMatch(/is 6\.\d MB in base64; the model takes at most 5 MB per image/);
  });

  it("refuses a picture over 8000 pixels on a side", () => {
    const error = refusal(dataUrl(png(8001, 1), "image/png"));
    expect(error).toMatchObject({ status: 400, code: "image_too_large" });
    expect(error.message).toMatch(/8001x1 pixels; the model takes at most 8000 on a side/);
    expect(checkImage(dataUrl(png(8000, 1), "image/png"), PARAM).mediaType).toBe("image/png");
  });
});
