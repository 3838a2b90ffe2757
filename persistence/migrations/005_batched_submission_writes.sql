-- 005: submissions are written in batches by the gateway (persistence/mysql/submission_batch.cpp),
-- one multi-row INSERT per table for many submissions, instead of one archive_submission call each.
--
-- The procedure's one check, "the service belongs to the submission's owner", becomes a constraint:
-- (service_id, owner_id) must name a service row with that owner. A violation is error 1452.
-- The procedure itself is no longer called.

ALTER TABLE service ADD UNIQUE KEY IF NOT EXISTS uq_service_id_owner (id, owner_id);

ALTER TABLE submission
  ADD CONSTRAINT fk_submission_service_owner FOREIGN KEY IF NOT EXISTS (service_id, owner_id)
  REFERENCES service (id, owner_id);

DROP PROCEDURE IF EXISTS archive_submission;
