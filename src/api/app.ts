import express from "express";
import { errorHandler, unknownRoute } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import { consoleRoutes } from "../console/index.js";
import { admissionOf, type AppContext } from "./context.js";
import { admitBeforeBody } from "./admission.js";
import { jsonBody, rejectInvalidStrings } from "./input.js";
import { refuseUnknownQuery } from "./route.js";

export type { AppContext } from "./context.js";
export { LIMITS } from "./limits.js";

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // Over budget: refused before the body is read and parsed (its size in bytes stands for its characters).
  const admission = admissionOf(ctx);
  app.use(["/v1/match", "/v1/skills/extract", "/v1/documents"], admitBeforeBody(admission));
  app.use(jsonBody());
  app.use(rejectInvalidStrings);
  // Each route validates its own path, query and body, and needs its roles (route.ts).
  for (const mount of routeModules) app.use(mount(ctx));
  app.use(consoleRoutes()); // the console's pages at / (src/console)
  app.get("/openapi.json", refuseUnknownQuery(new Set()), (_req, res) => {
    res.json(openApiDocument(ctx.engine.referential.version));
  });
  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}

/** Route modules, each `(ctx) => Router`. Add new ones here. */
import { matchRoutes } from "./routes/match.js";
import { ficheRoutes } from "./routes/fiche.js";
import { documentRoutes } from "./routes/documents.js";
import { passerellesRoutes } from "./routes/passerelles.js";
import { referentialRoutes } from "./routes/referential.js";
import { trendsRoutes } from "./routes/trends.js";
import { feedbackRoutes } from "./routes/feedback.js";
import { serviceRoutes } from "./routes/service.js";
const routeModules: ((ctx: AppContext) => express.Router)[] = [
  serviceRoutes,
  matchRoutes,
  ficheRoutes,
  documentRoutes,
  feedbackRoutes,
  passerellesRoutes,
  referentialRoutes,
  trendsRoutes,
];
