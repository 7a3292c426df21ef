export {
  FranceTravailOffer,
  labelledOfferLine,
  readLabelledOffers,
  readOffers,
  type LabelledOfferLine,
} from "./france-travail.js";
