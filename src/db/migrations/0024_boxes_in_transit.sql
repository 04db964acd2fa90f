-- Boxes on the road (GET /api/v1/testing/boxes/in-transit): only the tubes transport has taken and no
-- lab has received are indexed, by the area they come from.
CREATE INDEX "tubes_in_transit_idx" ON "tubes" USING btree ("area_code") WHERE status = 'in_transit';
