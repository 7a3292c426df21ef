/** Documented request limits (README "Limits"). Exceeding one is a 4xx with a message naming it. */
export const LIMITS = {
  maxBodyBytes: 2 * 1024 * 1024,
  maxTextChars: 50_000,
  maxTitleChars: 300,
  maxTopK: 50,
  maxBatch: 32,
} as const;
