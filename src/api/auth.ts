import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { z } from "zod";
import { CodedError } from "../errors.js";

export const ROLES = ["ingest", "advisor", "analyst", "admin"] as const;
export type Role = (typeof ROLES)[number];

const KeySpec = z.object({
  key: z.string().min(16, "API keys must have at least 16 characters"),
  roles: z.array(z.enum(ROLES)).min(1),
});

/**
 * API keys from configuration: `API_KEYS="key1:ingest,advisor;key2:admin"`.
 * admin implies every role. Keys are compared in constant time.
 */
export function parseApiKeys(spec: string | undefined): { key: string; roles: Role[] }[] {
  if (!spec) return [];
  return spec
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, n) => {
      const i = entry.lastIndexOf(":");
      const parsed = KeySpec.safeParse({
        key: i > 0 ? entry.slice(0, i) : entry,
        roles:
          i > 0
            ? entry
                .slice(i + 1)
                .split(",")
                .map((r) => r.trim())
            : [],
      });
      // The entry's position, never a piece of it: a fragment of a key helps guess it.
      if (!parsed.success)
        throw new Error(`API_KEYS: invalid entry #${n + 1}: ${parsed.error.issues.map((x) => x.message).join("; ")}`);
      return parsed.data;
    });
}

export interface Auth {
  /** Express middleware: 401 without a known key, 403 when the key lacks every one of `roles`. */
  require(...roles: Role[]): RequestHandler;
  /** Roles of the request's key (empty when anonymous). */
  rolesOf(header: string | undefined): Role[];
}

export function createAuth(keys: { key: string; roles: Role[] }[]): Auth {
  const buffers = keys.map((k) => ({ buf: Buffer.from(k.key), roles: k.roles }));
  const rolesOf = (header: string | undefined): Role[] => {
    if (!header) return [];
    const b = Buffer.from(header);
    for (const k of buffers) if (k.buf.length === b.length && timingSafeEqual(k.buf, b)) return k.roles;
    return [];
  };
  return {
    rolesOf,
    require:
      (...roles) =>
      (req, res, next) => {
        const header = req.get("x-api-key") ?? req.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1] ?? undefined;
        // A service started without API_KEYS has no key to give: say what its operator must set.
        const unset =
          buffers.length === 0 ? "; this service has no keys: its operator sets API_KEYS (docs/configuration.md)" : "";
        if (!header)
          return next(
            new CodedError(
              "unauthorized",
              `this endpoint needs an API key (header x-api-key or Authorization: Bearer)${unset}`,
            ),
          );
        const have = rolesOf(header);
        if (have.length === 0) return next(new CodedError("unauthorized", `unknown API key${unset}`));
        if (!have.includes("admin") && !roles.some((r) => have.includes(r))) {
          return next(new CodedError("forbidden", `this endpoint needs one of the roles: ${roles.join(", ")}`));
        }
        res.locals.roles = have;
        next();
      },
  };
}
