-- 004: the archive search (ArchiveCommon GetServiceOwnerArchiveReporteeElementsBasicV2) looks up one
-- owner's submissions for one reportee, newest first; ix_submission_owner_archived serves the searches
-- without a reportee. Idempotent.

CREATE INDEX IF NOT EXISTS ix_submission_owner_reportee_archived ON submission (owner_id, reportee, archived_at);
