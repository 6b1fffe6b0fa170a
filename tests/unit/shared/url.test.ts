import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasUndecodableSegment } from "@/lib/shared/url";

describe("hasUndecodableSegment", () => {
  it("finds a % that does not decode, in any segment", () => {
    for (const path of [
      "/published/%",
      "/published/%zz",
      "/published/%c0%ae%c0%ae/x",
      "/a/b%/c",
      "/%E2%82",
    ]) {
      expect(hasUndecodableSegment(path), path).toBe(true);
    }
  });

  it("passes paths that decode, encoded slashes and dots included", () => {
    for (const path of [
      "/",
      "/published/manifest.json",
      "/published/%2e%2e/x",
      "/runs/%E2%82%AC",
      "/a%2Fb",
      "/100%25",
    ]) {
      expect(hasUndecodableSegment(path), path).toBe(false);
    }
  });

  it("passes every path a client encodes properly (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" }), { maxLength: 5 }), (segments) => {
        expect(hasUndecodableSegment(`/${segments.map(encodeURIComponent).join("/")}`)).toBe(false);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
