export {
  FranceTravailOffer,
  lastById,
  labelledOfferLine,
  readLabelledOffers,
  readOffers,
  type LabelledOfferLine,
} from "./france-travail.js";
