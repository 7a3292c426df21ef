/** The service's own route: liveness, and what answers (ROME version, model, labelled-offer memory, ESCO). */
import { z } from "zod";
import { defineRoute, routes } from "../route.js";

const Health = z.object({
  status: z.literal("ok"),
  romeVersion: z.string(),
  model: z.string(),
  labelledOffers: z.number().int().describe("offers in the labelled-offer memory (LABELLED_OFFERS); 0 without"),
  codedOffers: z
    .number()
    .int()
    .describe(
      "of those, offers that carry the recruiter's ROME items (requiredSkills reads their choices; 0: the fallback model)",
    ),
  esco: z.string().nullable().describe("the ESCO ↔ ROME crosswalk loaded (ESCO_CROSSWALK), null without"),
});

export const serviceRoutes = routes(
  defineRoute(
    {
      method: "get",
      path: "/health",
      summary: "Liveness, and the ROME version, model and labelled-offer memory that answer",
      responses: { 200: Health },
    },
    (_input, { engine }) => ({
      status: "ok" as const,
      romeVersion: engine.referential.version,
      model: engine.modelId,
      labelledOffers: engine.exemplars?.size ?? 0,
      codedOffers: engine.exemplars?.codedOffers ?? 0,
      esco: engine.esco?.version ?? null,
    }),
  ),
);
