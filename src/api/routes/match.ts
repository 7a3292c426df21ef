import { z } from "zod";
import { admissionOf, type AppContext } from "../context.js";
import { ClientGoneError, clientGone } from "../admission.js";
import { LIMITS } from "../limits.js";
import { defineRoute, routes } from "../route.js";
import { BatchRequest, ExtractRequest, MatchRequest, MatchResponse, Skill } from "./match-schemas.js";

const chars = (i: { text: string; title?: string }) => i.text.length + (i.title?.length ?? 0);
const matcherOf = (ctx: AppContext) => ctx.matcher ?? ctx.engine;

export const matchRoutes = routes(
  defineRoute(
    {
      method: "post",
      path: "/v1/match",
      summary: "Rank ROME métiers for an offer or CV, with explanations and extracted skills",
      tags: ["match"],
      body: MatchRequest,
      responses: { 200: MatchResponse },
      errors: ["overloaded"],
      send: "computed",
    },
    ({ body, res }, ctx) => admissionOf(ctx).run(chars(body), () => matcherOf(ctx).match(body), clientGone(res)),
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/match/batch",
      summary: `Match up to ${LIMITS.maxBatch} texts in one call`,
      tags: ["match"],
      body: BatchRequest,
      responses: { 200: z.object({ results: z.array(MatchResponse) }) },
      errors: ["overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => {
      // One job for the batch: admitted whole or refused whole; items not started when the client leaves are dropped.
      const gone = clientGone(res);
      const matcher = matcherOf(ctx);
      const results = await admissionOf(ctx).run(
        body.items.reduce((n, i) => n + chars(i), 0),
        () =>
          Promise.all(body.items.map((i) => (gone.aborted ? Promise.reject(new ClientGoneError()) : matcher.match(i)))),
        gone,
      );
      return { results };
    },
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/skills/extract",
      summary: "ROME compétences and savoirs shown by a text, with evidence spans",
      tags: ["match"],
      body: ExtractRequest,
      responses: { 200: z.object({ romeVersion: z.string(), skills: z.array(Skill) }) },
      errors: ["overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => ({
      romeVersion: ctx.engine.referential.version,
      skills: await admissionOf(ctx).run(
        body.text.length,
        () => matcherOf(ctx).extractSkills(body.text),
        clientGone(res),
      ),
    }),
  ),
);
