export { FranceTravailOffer, readLabelledOffers, readOffers, type LabelledOfferLine } from "./france-travail.js";
