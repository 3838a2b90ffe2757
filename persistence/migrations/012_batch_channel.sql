-- 012: the batch channel (SFTP drop area, gateway/sftp). A service in mode 'batch' has its completed
-- submissions written as batch files into the owner's outbound/ folder by the batch writer; files the
-- owner drops into inbound/ are ingested. batch_file records both directions (BatchLogging reads it).
--
-- Idempotent: the mode checks are dropped (if present) and added again.

ALTER TABLE service_channel DROP CONSTRAINT IF EXISTS ck_service_channel_mode;
ALTER TABLE service_channel DROP CONSTRAINT IF EXISTS ck_service_channel_push_url;
ALTER TABLE service_channel ADD CONSTRAINT ck_service_channel_mode CHECK (mode IN ('queue', 'push', 'batch'));
ALTER TABLE service_channel ADD CONSTRAINT ck_service_channel_push_url CHECK (mode <> 'push' OR receiver_url <> '');

-- One row per written or ingested batch file. Outbound: created in state 'writing' in the same
-- transaction that assigns its outbox items, 'written' once the file is renamed into place (a
-- 'writing' row found later is written again under the same name). Inbound: 'processed' or 'failed'.
CREATE TABLE IF NOT EXISTS batch_file (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  owner_id     BIGINT        NOT NULL,
  direction    VARCHAR(8)    NOT NULL,           -- outbound | inbound
  file_name    VARCHAR(255)  NOT NULL,
  state        VARCHAR(10)   NOT NULL,           -- writing | written | processed | failed
  kind         VARCHAR(16)   NOT NULL DEFAULT '',  -- inbound: prefill | subscription
  item_count   INT           NOT NULL DEFAULT 0,
  receipt_id   BIGINT        NULL,               -- inbound: the receipt of the ingested request
  error_text   VARCHAR(1024) NOT NULL DEFAULT '',
  created_at   DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at   DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_batch_file_owner (owner_id, created_at),
  KEY ix_batch_file_state (state, id),
  CONSTRAINT fk_batch_file_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT ck_batch_file_direction CHECK (direction IN ('outbound', 'inbound')),
  CONSTRAINT ck_batch_file_state CHECK (state IN ('writing', 'written', 'processed', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- One row per submission of a batch-mode service, written in the submission's transaction;
-- batch_file_id is set when the writer puts it into a batch.
CREATE TABLE IF NOT EXISTS batch_outbox (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id       BIGINT       NOT NULL,
  service_id     BIGINT       NOT NULL,
  submission_id  BIGINT       NOT NULL,
  batch_file_id  BIGINT       NULL,
  created_at     DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_batch_outbox_submission (submission_id),
  KEY ix_batch_outbox_pending (owner_id, batch_file_id, id),
  KEY ix_batch_outbox_file (batch_file_id),
  CONSTRAINT fk_batch_outbox_submission FOREIGN KEY (submission_id) REFERENCES submission (id),
  CONSTRAINT fk_batch_outbox_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_batch_outbox_file FOREIGN KEY (batch_file_id) REFERENCES batch_file (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
