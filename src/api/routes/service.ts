/** The service's own route: liveness, and what answers (ROME version, model, labelled-offer memory, ESCO). */
import { z } from "zod";
import { defineRoute, routes } from "../route.js";

const Health = z.object({
  status: z.literal("ok"),
  romeVersion: z.string(),
  model: z.string(),
  labelledOffers: z
    .number()
    .int()
    .describe("offers in the labelled-offer memory (LABELLED_OFFERS and the lake's feedback); 0 without"),
  feedbackOffers: z
    .number()
    .int()
    .describe("of those, offers the lake's verdicts label, learned live (FEEDBACK_REFRESH_SECONDS); 0 when off"),
  memoryRefreshedAt: z
    .string()
    .nullable()
    .describe("when the memory was last rebuilt from the lake's feedback; null: not yet, or learning off"),
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
    (_input, { engine, learning }) => {
      const memory = learning?.status;
      return {
        status: "ok" as const,
        romeVersion: engine.referential.version,
        model: engine.modelId,
        labelledOffers: memory?.labelledOffers ?? engine.exemplars?.size ?? 0,
        codedOffers: memory?.codedOffers ?? engine.exemplars?.codedOffers ?? 0,
        feedbackOffers: memory?.feedbackOffers ?? 0,
        memoryRefreshedAt: memory?.refreshedAt?.toISOString() ?? null,
        esco: engine.esco?.version ?? null,
      };
    },
  ),
);
