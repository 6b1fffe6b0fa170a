/**
 * Runs before Next.js routes a request. A path whose percent-encoding does not decode (`%`,
 * `%zz`, the overlong `%c0%ae`) names nothing, but Next.js answers it with a 500 when it
 * decodes a dynamic segment such as /published/[...path] (vercel/next.js#92527): such a path
 * gets the 404 it deserves here instead.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SbdkError } from "@/lib/shared/errors";
import { hasUndecodableSegment } from "@/lib/shared/url";

export function proxy(request: NextRequest) {
  if (!hasUndecodableSegment(request.nextUrl.pathname)) return NextResponse.next();
  const error = new SbdkError("not_found:http", "no such path: it holds a % that does not decode", {
    hint: "percent-encode the path as UTF-8 (a % sign itself is %25)",
  });
  return NextResponse.json({ error: error.toJSON() }, { status: error.status });
}

export const config = {
  // Not the build's own files, which never carry such paths.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
