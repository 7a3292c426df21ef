/** The texts the speed benchmarks match: the dev offers of about 300 words (250–350), as a job board posts them. */
import { DEV_OFFERS } from "../src/config.js";
import { readOffers, type FranceTravailOffer } from "../src/sources/index.js";

export function offersOf300Words(file: string = DEV_OFFERS): FranceTravailOffer[] {
  return readOffers(file).filter((o) => {
    const w = (o.description ?? "").split(/\s+/).length;
    return w >= 250 && w <= 350;
  });
}
