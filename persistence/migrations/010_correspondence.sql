-- 010: correspondences (CorrespondenceAgency messages to a reportee's inbox), their attachments, and
-- the link from a notification outbox row to the correspondence it announces. Idempotent.

-- One message. read_at / confirmed_at record the first Read and the Confirmed status; the status
-- history is Created (created_at) -> Read (read_at) -> Confirmed (confirmed_at). deleted_at: removed
-- from the reportee's inbox by an end-user system (allowed from allow_system_delete_at on).
CREATE TABLE IF NOT EXISTS correspondence (
  id                           BIGINT         NOT NULL AUTO_INCREMENT,
  owner_id                     BIGINT         NOT NULL,
  system_id                    BIGINT         NOT NULL,
  service_id                   BIGINT         NOT NULL,
  reportee                     VARCHAR(11)    NOT NULL,
  external_shipment_reference  VARCHAR(255)   NOT NULL,
  archive_reference            VARCHAR(255)   NOT NULL DEFAULT '',
  language_code                VARCHAR(4)     NOT NULL DEFAULT '1044',
  message_title                VARCHAR(1000)  NOT NULL DEFAULT '',
  message_summary              TEXT           NOT NULL,
  message_body                 MEDIUMTEXT     NOT NULL,
  custom_message_data          MEDIUMTEXT     NOT NULL,
  message_sender               VARCHAR(255)   NOT NULL DEFAULT '',
  case_id                      INT            NULL,
  allow_forwarding             TINYINT(1)     NOT NULL DEFAULT 1,
  is_reservable                TINYINT(1)     NULL,
  visible_at                   DATETIME(6)    NOT NULL,
  due_at                       DATETIME(6)    NULL,
  allow_system_delete_at       DATETIME(6)    NULL,
  created_at                   DATETIME(6)    NOT NULL DEFAULT UTC_TIMESTAMP(6),
  read_at                      DATETIME(6)    NULL,
  confirmed_at                 DATETIME(6)    NULL,
  deleted_at                   DATETIME(6)    NULL,
  receipt_id                   BIGINT         NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_correspondence_owner_reference (owner_id, external_shipment_reference),
  KEY ix_correspondence_owner_service (owner_id, service_id, created_at),
  KEY ix_correspondence_reportee (reportee, visible_at),
  CONSTRAINT fk_correspondence_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_correspondence_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT fk_correspondence_service FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_correspondence_receipt FOREIGN KEY (receipt_id) REFERENCES receipt (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Binary attachments: bytes in the file store (storage_key), metadata here.
CREATE TABLE IF NOT EXISTS correspondence_attachment (
  id                 BIGINT         NOT NULL AUTO_INCREMENT,
  correspondence_id  BIGINT         NOT NULL,
  name               VARCHAR(255)   NOT NULL DEFAULT '',
  file_name          VARCHAR(255)   NOT NULL DEFAULT '',
  senders_reference  VARCHAR(255)   NOT NULL DEFAULT '',
  function_type      VARCHAR(16)    NOT NULL DEFAULT 'Unspecified',  -- AttachmentFunctionType
  destination_type   VARCHAR(20)    NOT NULL DEFAULT 'Default',      -- UserTypeRestriction
  encrypted          TINYINT(1)     NOT NULL DEFAULT 0,
  size               BIGINT         NOT NULL,
  sha256             CHAR(64)       NOT NULL,
  storage_key        VARCHAR(255)   NOT NULL,
  PRIMARY KEY (id),
  KEY ix_correspondence_attachment (correspondence_id),
  CONSTRAINT fk_correspondence_attachment FOREIGN KEY (correspondence_id) REFERENCES correspondence (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- XML attachments (form data) are kept in the database, as submitted forms are.
CREATE TABLE IF NOT EXISTS correspondence_xml_attachment (
  id                   BIGINT        NOT NULL AUTO_INCREMENT,
  correspondence_id    BIGINT        NOT NULL,
  senders_reference    VARCHAR(255)  NOT NULL DEFAULT '',
  data_format_id       VARCHAR(64)   NOT NULL DEFAULT '',
  data_format_version  INT           NULL,
  logical_form_id      INT           NULL,
  form_data            MEDIUMTEXT    NOT NULL,
  PRIMARY KEY (id),
  KEY ix_correspondence_xml_attachment (correspondence_id),
  CONSTRAINT fk_correspondence_xml_attachment FOREIGN KEY (correspondence_id) REFERENCES correspondence (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Notifications of a correspondence go through the same outbox as standalone ones; this column
-- says which correspondence a row announces (NULL for standalone notifications).
ALTER TABLE notification_outbox ADD COLUMN IF NOT EXISTS correspondence_id BIGINT NULL;
ALTER TABLE notification_outbox ADD INDEX IF NOT EXISTS ix_outbox_correspondence (correspondence_id);
