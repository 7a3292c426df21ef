/**
 * Small, hand-written statistics (a dependency would be larger than these few lines, and each is textbook):
 * the conditional binomial test for comparing two Poisson rates, a Wilson score bound, and the
 * Benjamini–Hochberg adjustment.
 *
 * Comparing rates: if a phrase occurs in c_b of N_b baseline documents and c_r of N_r recent ones, then under
 * "no change" each of its k = c_b + c_r occurrences falls in the recent part with probability p0 = N_r / (N_b + N_r).
 * So c_r ~ Binomial(k, p0), and a small upper tail P(X ≥ c_r) means the phrase rose. The rate ratio
 * RR = (π / (1 − π)) · (N_b / N_r), where π is the recent fraction of occurrences, so a bound on π gives a
 * bound on RR: a phrase seen 3 times gets a wide interval and cannot look "emerging".
 */

/** Standard normal upper tail, Abramowitz–Stegun 7.1.26 via erfc (|error| < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Inverse of the standard normal upper tail for the usual small alphas (Acklam's rational approximation). */
export function normalQuantileUpper(alpha: number): number {
  const p = 1 - alpha;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p < pl) return -normalQuantileUpper(1 - alpha);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
const lfCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = lfCache.length; i <= n; i++) lfCache.push(lfCache[i - 1]! + Math.log(i));
  return lfCache[n]!;
}

/**
 * P(X ≥ x) for X ~ Binomial(n, p). Exact summation while n is small (where the normal approximation is
 * poor and the sum is cheap), continuity-corrected normal beyond.
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (n <= 2000) {
    let s = 0;
    const lp = Math.log(p);
    const lq = Math.log(1 - p);
    for (let i = x; i <= n; i++) {
      const term = Math.exp(logChoose(n, i) + i * lp + (n - i) * lq);
      s += term;
      if (term < s * 1e-15 && i > n * p) break;
    }
    return Math.min(1, s);
  }
  const mu = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return normalUpperTail((x - 0.5 - mu) / sd);
}

/** Wilson score interval bound for a proportion x/n at one-sided level alpha ("lower" or "upper"). */
export function wilsonBound(x: number, n: number, alpha: number, side: "lower" | "upper"): number {
  if (n === 0) return side === "lower" ? 0 : 1;
  const z = normalQuantileUpper(alpha);
  const ph = x / n;
  const den = 1 + (z * z) / n;
  const centre = ph + (z * z) / (2 * n);
  const half = z * Math.sqrt((ph * (1 - ph)) / n + (z * z) / (4 * n * n));
  return Math.min(1, Math.max(0, (side === "lower" ? centre - half : centre + half) / den));
}

/** Benjamini–Hochberg adjusted p-values, in input order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(m);
  let min = 1;
  for (let r = m - 1; r >= 0; r--) {
    const [p, i] = order[r]!;
    min = Math.min(min, (p * m) / (r + 1));
    q[i] = min;
  }
  return q;
}

export interface RateComparison {
  rateRatio: number;
  rateRatioBound: number;
  growthScore: number;
  pValue: number;
}

/**
 * Compares the recent rate c_r/N_r to the baseline rate c_b/N_b. `direction` "up" tests for a rise (lower
 * bound on RR), "down" for a fall (upper bound). growthScore = log2(bound) for "up", −log2(bound) for "down"
 * clipped at 0 when the interval reaches "no change".
 */
export function compareRates(
  cb: number,
  nb: number,
  cr: number,
  nr: number,
  alpha: number,
  direction: "up" | "down",
): RateComparison {
  const k = cb + cr;
  const p0 = nr / (nb + nr);
  const rateRatio = (cr + 0.5) / nr / ((cb + 0.5) / nb);
  const toRR = (pi: number) => (pi >= 1 ? Number.POSITIVE_INFINITY : (pi / (1 - pi)) * (nb / nr));
  if (direction === "up") {
    const pValue = binomialUpperTail(cr, k, p0);
    const bound = toRR(wilsonBound(cr, k, alpha, "lower"));
    return { rateRatio, rateRatioBound: bound, growthScore: bound > 1 ? Math.log2(bound) : 0, pValue };
  }
  const pValue = binomialUpperTail(cb, k, 1 - p0);
  const bound = toRR(wilsonBound(cr, k, alpha, "upper"));
  return { rateRatio, rateRatioBound: bound, growthScore: bound < 1 ? -Math.log2(Math.max(bound, 1e-9)) : 0, pValue };
}

/** One stratum (e.g. a domaine professionnel): documents with the phrase (x recent, y baseline) and totals. */
export interface Stratum {
  x: number;
  y: number;
  n1: number;
  n0: number;
}

/**
 * Stratified comparison (Cochran–Mantel–Haenszel test, Mantel–Haenszel rate ratio with the Greenland–Robins
 * variance). Why: offers collected over time mix different jobs (the dev set's 2024 sources searched IT
 * jobs), so a phrase can "rise" only because its métiers are more present. Comparing within each domaine
 * and pooling removes that composition effect. Strata with documents on one side only carry no information
 * and drop out. Falls back to a 0.5 continuity correction when one side has no occurrence at all.
 */
export function compareRatesStratified(
  strata: readonly Stratum[],
  alpha: number,
  direction: "up" | "down",
): RateComparison & { informative: number } {
  let sx = 0;
  let se = 0;
  let sv = 0;
  let r = 0;
  let s = 0;
  let gr = 0;
  let informative = 0;
  const inf = strata.filter((k) => k.n1 > 0 && k.n0 > 0 && k.x + k.y > 0);
  const anyY = inf.some((k) => k.y > 0);
  const anyX = inf.some((k) => k.x > 0);
  for (const k of inf) {
    informative++;
    const n = k.n1 + k.n0;
    const m = k.x + k.y;
    sx += k.x;
    se += (m * k.n1) / n;
    if (n > 1) sv += (m * (n - m) * k.n1 * k.n0) / (n * n * (n - 1));
    // Continuity correction only when a side is empty, so the ratio and its bound stay finite.
    const x = anyX && anyY ? k.x : k.x + 0.5;
    const y = anyX && anyY ? k.y : k.y + 0.5;
    const nn = k.n1 + k.n0;
    r += (x * k.n0) / nn;
    s += (y * k.n1) / nn;
    gr += (k.n1 * k.n0 * (x + y) - x * y * nn) / (nn * nn);
  }
  if (informative === 0 || r === 0 || s === 0)
    return { rateRatio: 1, rateRatioBound: 1, growthScore: 0, pValue: 1, informative };
  const rateRatio = r / s;
  const seLog = Math.sqrt(Math.max(gr, 0) / (r * s));
  const z = normalQuantileUpper(alpha);
  if (direction === "up") {
    const pValue = sv > 0 ? normalUpperTail((sx - se - 0.5) / Math.sqrt(sv)) : 1;
    const bound = rateRatio * Math.exp(-z * seLog);
    return { rateRatio, rateRatioBound: bound, growthScore: bound > 1 ? Math.log2(bound) : 0, pValue, informative };
  }
  const pValue = sv > 0 ? normalUpperTail((se - sx - 0.5) / Math.sqrt(sv)) : 1;
  const bound = rateRatio * Math.exp(z * seLog);
  return { rateRatio, rateRatioBound: bound, growthScore: bound < 1 ? -Math.log2(bound) : 0, pValue, informative };
}
