/** Checks every route shares: strings the store cannot keep as sent, and numbers in query strings. */
import { isUtf8 } from "node:buffer";
import express, { type RequestHandler } from "express";
import { z } from "zod";
import { CodedError } from "../errors.js";
import { ROME_CODE } from "../rome/index.js";
import { LIMITS } from "./limits.js";

/**
 * The JSON body parser of every route: at most LIMITS.maxBodyBytes, objects or arrays only, and UTF-8 that decodes.
 * Without the check, bytes that are not UTF-8 (a Latin-1 or Windows-1252 export sent as JSON) became U+FFFD one by
 * one: "pr\uFFFDparation" matched and stored as sent, or refused as "binary data" when accents were many.
 */
export const jsonBody = (): RequestHandler =>
  express.json({
    limit: LIMITS.maxBodyBytes,
    strict: true,
    verify: (_req, _res, buf, encoding) => {
      if (encoding === "utf-8" && !isUtf8(buf))
        throw new CodedError(
          "unsupported_encoding",
          "request body is not valid UTF-8 (JSON is UTF-8: convert a Latin-1 or Windows-1252 text before sending it)",
        );
    },
  });

// NUL (PostgreSQL text cannot hold it) and lone surrogates (not Unicode: UTF-8 turns them into U+FFFD).
// eslint-disable-next-line no-control-regex
const INVALID = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Path ("body.documents.3.title") of the first string, or key, holding NUL or a lone surrogate; null when none. */
export function invalidStringPath(value: unknown, root: string): string | null {
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (typeof v === "string") {
      if (INVALID.test(v)) return p;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${p}.${i}`]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (INVALID.test(k)) return `${p} (a key)`;
        stack.push([x, `${p}.${k}`]);
      }
    }
  }
  return null;
}

/** 400 naming the field when the body or the query holds a string the lake could not store as sent. */
export const rejectInvalidStrings: RequestHandler = (req, _res, next) => {
  const where = invalidStringPath(req.body, "body") ?? invalidStringPath(req.query, "query");
  if (where)
    return next(
      new CodedError(
        "invalid_string",
        `${where} holds a NUL character or an invalid code point (a lone UTF-16 surrogate)`,
      ),
    );
  next();
};

/** An integer query parameter written in decimal digits only ("0x10", "1e3", " 7" are refused, not read as numbers). */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,12}$/, "an integer in decimal digits")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A code ROME as sent (either case): M1805, m1805. */
export const romeCode = z
  .string()
  .regex(new RegExp(ROME_CODE.source, "i"), "a ROME code is a letter A–N and four digits, e.g. M1805");
/** `/…/:code` of a fiche. */
export const CodeParams = z.object({ code: romeCode });

/**
 * A batch body `{ [field]: [...] }` of 1 to `max` entries. Entries stay `unknown` here: the route validates each one
 * apart, so that one bad entry is refused alone and the others are still written.
 */
export const batchBody = <K extends string>(field: K, max: number, noun: string) =>
  z
    .object({
      [field]: z.array(z.unknown()).min(1, `${field} must not be empty`).max(max, `at most ${max} ${noun} per batch`),
    } as { [P in K]: z.ZodArray<z.ZodUnknown> })
    .strict();
