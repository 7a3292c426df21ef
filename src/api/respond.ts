import type { Response } from "express";

/**
 * JSON for answers computed per request (POST /v1/match and the like): no ETag. `res.json` hashes every body for
 * an ETag that a POST never revalidates, and copies the string into a Buffer first; on a ~23 KB match answer
 * those were ~2 % of a request's CPU. Content-Length is set by Node from the whole body.
 */
export function sendComputedJson(res: Response, body: unknown): void {
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}
