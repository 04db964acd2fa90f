-- A lab's queue (GET /api/v1/testing/labs/mine): the tubes received and awaiting a result, oldest first.
-- Partial: only the backlog is indexed, and a tube leaves the index with its result.
CREATE INDEX "tubes_lab_queue_idx" ON "tubes" USING btree ("lab_id","received_at") WHERE status = 'received';
