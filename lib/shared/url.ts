/** Checks on request URLs that both the server and the browser may need. Pure. */

/**
 * Whether a URL path holds a percent-sequence that does not decode: a `%` not followed by two
 * hex digits, or bytes that are not UTF-8 (`%c0%ae`, an overlong "."). Such a path names no
 * file and no page.
 */
export function hasUndecodableSegment(pathname: string): boolean {
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      return true;
    }
  }
  return false;
}
