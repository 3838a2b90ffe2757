-- 013: the options of InsertCorrespondenceBasicV2 that 010 did not store: OnBehalfOfOrgNr, SdpOptions
-- (forwarding to a digital mailbox, "Sikker digital post") with the SDP status the gateway recorded,
-- and ReplyOptions (one child row each). Idempotent.

-- OnBehalfOfOrgNr: the organisation the owner sends on behalf of ('' = none).
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS on_behalf_of_org_nr VARCHAR(9) NOT NULL DEFAULT '';

-- SdpOptions; sdp_setting NULL = the request had none (then every sdp_* column is NULL / '').
-- Repetitions (DaysDelayedList) are kept as comma-separated day counts ("1,7"). sdp_status is the
-- SdpStatusType recorded for the digital letter (the gateway has no digital-post provider: NoMailBox),
-- sdp_status_at when it was recorded.
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_setting VARCHAR(16) NULL;                -- ForwardOnly | CopyAltinn
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_backup_altinn TINYINT(1) NULL;
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_primary_document VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_title VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_not_sensitive_title VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_visible_at DATETIME(6) NULL;
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_email_address VARCHAR(255) NULL;        -- NULL: no e-mail notification
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_email_text TEXT NULL;
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_email_repetitions VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_sms_number VARCHAR(32) NULL;            -- NULL: no SMS notification
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_sms_text TEXT NULL;
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_sms_repetitions VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_status VARCHAR(32) NULL;                -- SdpStatusType
ALTER TABLE correspondence ADD COLUMN IF NOT EXISTS sdp_status_at DATETIME(6) NULL;
-- GetCorrespondenceStatusDetailsBasicV3 with SdpSearchOptions looks for the owner's digital letters.
ALTER TABLE correspondence ADD INDEX IF NOT EXISTS ix_correspondence_owner_sdp (owner_id, service_id, sdp_status);

-- ReplyOptions: how the reportee may answer, in the order given. kind says which of the columns
-- apply: Service (service_code, service_edition), ArchiveReference (archive_reference) or URL
-- (link_url, link_text).
CREATE TABLE IF NOT EXISTS correspondence_reply_option (
  id                 BIGINT         NOT NULL AUTO_INCREMENT,
  correspondence_id  BIGINT         NOT NULL,
  kind               VARCHAR(16)    NOT NULL,
  service_code       VARCHAR(64)    NOT NULL DEFAULT '',
  service_edition    INT            NULL,
  archive_reference  VARCHAR(255)   NOT NULL DEFAULT '',
  link_url           VARCHAR(2000)  NOT NULL DEFAULT '',
  link_text          VARCHAR(1000)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY ix_correspondence_reply_option (correspondence_id),
  CONSTRAINT fk_correspondence_reply_option FOREIGN KEY (correspondence_id) REFERENCES correspondence (id),
  CONSTRAINT ck_correspondence_reply_option_kind CHECK (kind IN ('Service', 'ArchiveReference', 'URL'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
