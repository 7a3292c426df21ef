import express from "express";
import { errorHandler, HttpError, unknownRoute } from "./errors.js";
import { describeRoute, openApiDocument, undocumentedQueryKeys } from "./openapi.js";
import { z } from "zod";
import { consoleRoutes } from "../console/index.js";
import { admissionOf, type AppContext } from "./context.js";
import { admitBeforeBody } from "./admission.js";
import { rejectInvalidStrings } from "./input.js";

export type { AppContext } from "./context.js";
export { LIMITS } from "./limits.js";
import { LIMITS } from "./limits.js";

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // Over budget: refused before the body is read and parsed (its size in bytes stands for its characters).
  const admission = admissionOf(ctx);
  app.use(["/v1/match", "/v1/skills/extract", "/v1/documents"], admitBeforeBody(admission));
  app.use(express.json({ limit: LIMITS.maxBodyBytes, strict: true }));
  app.use(rejectInvalidStrings);
  app.use((req, _res, next) => {
    const unknown = undocumentedQueryKeys(req.method, req.path, Object.keys(req.query as object));
    if (!unknown?.length) return next();
    next(new HttpError(400, "invalid_request", `unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`));
  });

  const Health = z.object({
    status: z.literal("ok"),
    romeVersion: z.string(),
    model: z.string(),
    labelledOffers: z.number().int().describe("offers in the labelled-offer memory (LABELLED_OFFERS); 0 without"),
    codedOffers: z.number().int().describe("of those, offers that carry the recruiter's ROME items (requiredSkills reads their choices; 0: the fallback model)"),
    esco: z.string().nullable().describe("the ESCO ↔ ROME crosswalk loaded (ESCO_CROSSWALK), null without"),
  });
  describeRoute({ method: "get", path: "/health", summary: "Liveness, and the ROME version, model and labelled-offer memory that answer", response: Health });
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", romeVersion: ctx.engine.referential.version, model: ctx.engine.modelId, labelledOffers: ctx.engine.exemplars?.size ?? 0, codedOffers: ctx.engine.exemplars?.codedOffers ?? 0, esco: ctx.engine.esco?.version ?? null } satisfies z.infer<typeof Health>);
  });
  for (const mount of routeModules) app.use(mount(ctx));
  app.use(consoleRoutes()); // the console's pages at / (src/console)
  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument(ctx.engine.referential.version));
  });
  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}

/** Route modules, each `(ctx) => Router`. Add new ones here. */
import { matchRoutes } from "./routes/match.js";
import { documentRoutes } from "./routes/documents.js";
import { passerellesRoutes } from "./routes/passerelles.js";
import { referentialRoutes } from "./routes/referential.js";
import { trendsRoutes } from "./routes/trends.js";
import { feedbackRoutes } from "./routes/feedback.js";
const routeModules: ((ctx: AppContext) => express.Router)[] = [matchRoutes, documentRoutes, feedbackRoutes, passerellesRoutes, referentialRoutes, trendsRoutes];
