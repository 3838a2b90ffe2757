-- 001: the gateway's initial schema.
-- Conventions: InnoDB, utf8mb4 with utf8mb4_nopad_bin (identifiers and references compare exactly:
-- case and trailing spaces count), every time a DATETIME(6) holding UTC (sessions run with
-- time_zone = '+00:00'; defaults use UTC_TIMESTAMP so they are UTC whatever the session says).
-- Statements are idempotent (IF NOT EXISTS) so a migration interrupted half-way can be run again.

CREATE TABLE IF NOT EXISTS service_owner (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  code        VARCHAR(32)  NOT NULL,  -- agency code, e.g. ETAT
  org_number  CHAR(9)      NOT NULL,
  name        VARCHAR(255) NOT NULL,
  created_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_service_owner_code (code),
  UNIQUE KEY uq_service_owner_org (org_number),
  CONSTRAINT ck_service_owner_org CHECK (org_number REGEXP '^[0-9]{9}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Registered systems: service-owner systems (owner_id set) and end-user systems.
CREATE TABLE IF NOT EXISTS system (
  id                  BIGINT       NOT NULL AUTO_INCREMENT,
  username            VARCHAR(64)  NOT NULL,
  password_hash       VARCHAR(255) NOT NULL,  -- encoded slow hash (gateway/auth/password_hash.h)
  org_number          CHAR(9)      NOT NULL,
  role                VARCHAR(16)  NOT NULL,  -- 'owner' | 'enduser'
  owner_id            BIGINT       NULL,
  active              TINYINT(1)   NOT NULL DEFAULT 1,
  credential_version  BIGINT       NOT NULL DEFAULT 1,  -- bumped on password / active changes
  created_at          DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at          DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_system_username (username),
  KEY ix_system_owner (owner_id),
  CONSTRAINT fk_system_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT ck_system_role CHECK ((role = 'owner' AND owner_id IS NOT NULL) OR (role = 'enduser' AND owner_id IS NULL)),
  CONSTRAINT ck_system_org CHECK (org_number REGEXP '^[0-9]{9}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS service (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id    BIGINT       NOT NULL,
  code        VARCHAR(32)  NOT NULL,  -- ServiceCode
  edition     INT          NOT NULL,  -- ServiceEdition
  name        VARCHAR(255) NOT NULL,
  kind        VARCHAR(32)  NOT NULL DEFAULT 'FormTask',
  created_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_service_code_edition (code, edition),
  KEY ix_service_owner (owner_id),
  CONSTRAINT fk_service_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT ck_service_edition CHECK (edition > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Data formats (DataFormatId + DataFormatVersion) a service accepts.
CREATE TABLE IF NOT EXISTS service_data_format (
  service_id           BIGINT      NOT NULL,
  data_format_id       VARCHAR(32) NOT NULL,
  data_format_version  INT         NOT NULL,
  PRIMARY KEY (service_id, data_format_id, data_format_version),
  CONSTRAINT fk_service_data_format_service FOREIGN KEY (service_id) REFERENCES service (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Reportees (organisation or national identity numbers) an end-user system may act for.
CREATE TABLE IF NOT EXISTS system_reportee (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  system_id   BIGINT       NOT NULL,
  reportee    VARCHAR(11)  NOT NULL,
  granted_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_system_reportee (system_id, reportee),
  CONSTRAINT fk_system_reportee_system FOREIGN KEY (system_id) REFERENCES system (id) ON DELETE CASCADE,
  CONSTRAINT ck_system_reportee_number CHECK (reportee REGEXP '^([0-9]{9}|[0-9]{11})$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The archive reference of a submission is "AR" + id: derived, not stored, so it costs nothing at
-- insert time and cannot disagree with the id (a generated column may not refer to an
-- AUTO_INCREMENT column, and a DEFAULT NEXTVAL(sequence) id crashed MariaDB 10.11.19 under concurrent
-- prepared INSERTs). Receipts carry it as their ArchiveReference reference.
CREATE TABLE IF NOT EXISTS submission (
  id                           BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id                     BIGINT       NOT NULL,
  service_id                   BIGINT       NOT NULL,
  system_id                    BIGINT       NOT NULL,  -- submitting end-user system
  reportee                     VARCHAR(11)  NOT NULL,
  external_shipment_reference  VARCHAR(255) NOT NULL DEFAULT '',
  case_id                      INT          NULL,
  archived_at                  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_submission_owner_archived (owner_id, archived_at),
  KEY ix_submission_service (service_id),
  KEY ix_submission_system (system_id),
  CONSTRAINT fk_submission_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_submission_service FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_submission_system FOREIGN KEY (system_id) REFERENCES system (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS submission_form (
  id                         BIGINT       NOT NULL AUTO_INCREMENT,
  submission_id              BIGINT       NOT NULL,
  data_format_id             VARCHAR(32)  NOT NULL,
  data_format_version        INT          NOT NULL,
  end_user_system_reference  VARCHAR(255) NOT NULL DEFAULT '',
  parent_reference           INT          NULL,
  completed                  TINYINT(1)   NOT NULL DEFAULT 1,
  form_data                  LONGTEXT     NOT NULL,  -- the XML document as received
  PRIMARY KEY (id),
  KEY ix_submission_form_submission (submission_id),
  CONSTRAINT fk_submission_form_submission FOREIGN KEY (submission_id) REFERENCES submission (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Attachment bytes live in the file store; the row says where and what.
CREATE TABLE IF NOT EXISTS submission_attachment (
  id                         BIGINT       NOT NULL AUTO_INCREMENT,
  submission_id              BIGINT       NOT NULL,
  name                       VARCHAR(255) NOT NULL DEFAULT '',
  file_name                  VARCHAR(255) NOT NULL DEFAULT '',
  attachment_type_name       VARCHAR(255) NOT NULL DEFAULT '',
  end_user_system_reference  VARCHAR(255) NOT NULL DEFAULT '',
  parent_reference           VARCHAR(255) NOT NULL DEFAULT '',
  encrypted                  TINYINT(1)   NOT NULL DEFAULT 0,
  size                       BIGINT       NOT NULL,
  sha256                     CHAR(64)     NOT NULL,
  storage_key                VARCHAR(64)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_submission_attachment_submission (submission_id),
  CONSTRAINT fk_submission_attachment_submission FOREIGN KEY (submission_id) REFERENCES submission (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Receipts: a main receipt and at most one level of sub-receipts (parent_id). A receipt is visible to
-- its service owner (owner_id) and to its end-user system (system_id); sub-receipts carry their
-- parent's owner_id and system_id.
CREATE TABLE IF NOT EXISTS receipt (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  parent_id      BIGINT       NULL,
  type           VARCHAR(32)  NOT NULL,  -- ReceiptTypeEnum name, e.g. FormTask
  status         VARCHAR(20)  NOT NULL,  -- ReceiptStatusEnum name, e.g. OK
  text           MEDIUMTEXT   NOT NULL,
  history        MEDIUMTEXT   NOT NULL,  -- earlier texts, newest first
  last_changed   DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  owner_id       BIGINT       NULL,
  system_id      BIGINT       NULL,
  submission_id  BIGINT       NULL,
  PRIMARY KEY (id),
  KEY ix_receipt_parent (parent_id),
  KEY ix_receipt_owner_type_changed (owner_id, type, last_changed),
  KEY ix_receipt_system_type_changed (system_id, type, last_changed),
  KEY ix_receipt_submission (submission_id),
  CONSTRAINT fk_receipt_parent FOREIGN KEY (parent_id) REFERENCES receipt (id),
  CONSTRAINT fk_receipt_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_receipt_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT fk_receipt_submission FOREIGN KEY (submission_id) REFERENCES submission (id),
  CONSTRAINT ck_receipt_scope CHECK (owner_id IS NOT NULL OR system_id IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS receipt_reference (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  receipt_id  BIGINT       NOT NULL,
  type        VARCHAR(32)  NOT NULL,  -- ReferenceType name, e.g. ArchiveReference
  value       VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_receipt_reference (receipt_id, type, value),
  KEY ix_receipt_reference_type_value (type, value),
  CONSTRAINT fk_receipt_reference_receipt FOREIGN KEY (receipt_id) REFERENCES receipt (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The duplicate rule: one submission per (end-user system, EndUserSystemReference).
CREATE TABLE IF NOT EXISTS end_user_reference (
  system_id   BIGINT       NOT NULL,
  reference   VARCHAR(255) NOT NULL,
  receipt_id  BIGINT       NOT NULL,
  created_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (system_id, reference),
  KEY ix_end_user_reference_receipt (receipt_id),
  CONSTRAINT fk_end_user_reference_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT fk_end_user_reference_receipt FOREIGN KEY (receipt_id) REFERENCES receipt (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Completed submissions waiting for their service owner to download and purge them.
CREATE TABLE IF NOT EXISTS download_queue (
  submission_id  BIGINT       NOT NULL,
  owner_id       BIGINT       NOT NULL,
  service_code   VARCHAR(32)  NOT NULL,
  enqueued_at    DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  purged_at      DATETIME(6)  NULL,
  PRIMARY KEY (submission_id),
  -- "this owner's items not yet purged, oldest first" (optionally of one service code); InnoDB
  -- appends the primary key, so (enqueued_at, submission_id) orders ties.
  KEY ix_download_queue_pending (owner_id, purged_at, enqueued_at),
  KEY ix_download_queue_service_pending (owner_id, service_code, purged_at, enqueued_at),
  CONSTRAINT fk_download_queue_submission FOREIGN KEY (submission_id) REFERENCES submission (id),
  CONSTRAINT fk_download_queue_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Status of the transfer of an archived submission to its owner; append-only, oldest first by id.
CREATE TABLE IF NOT EXISTS shipment_status_log (
  id             BIGINT        NOT NULL AUTO_INCREMENT,
  submission_id  BIGINT        NOT NULL,
  status         VARCHAR(16)   NOT NULL,  -- NotSent | Sent | Error | NotSet | Correlated
  description    VARCHAR(1024) NOT NULL DEFAULT '',
  at             DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_shipment_status_log_submission (submission_id, id),
  CONSTRAINT fk_shipment_status_log_submission FOREIGN KEY (submission_id) REFERENCES submission (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
