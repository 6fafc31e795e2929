/**
 * Issue 19, round trip: every feature of `table_features.ts` built with SQL
 * on D, pulled, and applied to an empty E must give the same catalogs (and
 * the same pg_dump --schema-only on the server), and the pull must plan
 * empty against D.
 */
import { batchTests, roundTrip } from "../support/round_trip.ts";
import { ROUND_TRIPS } from "../support/table_features.ts";

await batchTests("round trip", ROUND_TRIPS, roundTrip);
