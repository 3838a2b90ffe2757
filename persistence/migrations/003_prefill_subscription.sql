-- 003: prefilled form tasks (PreFill), subscriptions (Subscription) and the owners' batch ids.
-- Same conventions as 001 (InnoDB, utf8mb4_nopad_bin, DATETIME(6) in UTC, idempotent statements).

-- One row per (service owner, kind, externalBatchId): the duplicate rule for PreFill and
-- Subscription requests. A repeated id answers with the receipt stored for the first request.
CREATE TABLE IF NOT EXISTS owner_batch (
  owner_id           BIGINT       NOT NULL,
  kind               VARCHAR(16)  NOT NULL,  -- 'PreFill' | 'Subscription'
  external_batch_id  VARCHAR(255) NOT NULL,
  receipt_id         BIGINT       NOT NULL,
  created_at         DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (owner_id, kind, external_batch_id),
  CONSTRAINT fk_owner_batch_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_owner_batch_receipt FOREIGN KEY (receipt_id) REFERENCES receipt (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- A prefilled form task: 'saved' (stored for later use), 'instantiated' (visible to the reportee's
-- end-user systems between valid_from and valid_to) or 'completed' (submitted; submission_id set).
-- ExternalShipmentReference is unique per service owner.
CREATE TABLE IF NOT EXISTS prefill_instance (
  id                           BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id                     BIGINT       NOT NULL,
  service_id                   BIGINT       NOT NULL,
  system_id                    BIGINT       NOT NULL,  -- the owner system that sent it
  reportee                     VARCHAR(11)  NOT NULL,
  external_shipment_reference  VARCHAR(255) NOT NULL,
  senders_reference            VARCHAR(255) NOT NULL DEFAULT '',
  state                        VARCHAR(16)  NOT NULL,
  valid_from                   DATETIME(6)  NOT NULL,
  valid_to                     DATETIME(6)  NOT NULL,
  due_date                     DATETIME(6)  NULL,
  case_id                      INT          NULL,
  on_behalf_of                 VARCHAR(11)  NOT NULL DEFAULT '',
  submission_id                BIGINT       NULL,
  created_at                   DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  completed_at                 DATETIME(6)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_prefill_instance_owner_reference (owner_id, external_shipment_reference),
  UNIQUE KEY uq_prefill_instance_submission (submission_id),
  KEY ix_prefill_instance_open (reportee, state, valid_to),
  CONSTRAINT fk_prefill_instance_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_prefill_instance_service FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_prefill_instance_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT fk_prefill_instance_submission FOREIGN KEY (submission_id) REFERENCES submission (id),
  CONSTRAINT ck_prefill_instance_state CHECK (state IN ('saved', 'instantiated', 'completed')),
  CONSTRAINT ck_prefill_instance_completed CHECK ((state = 'completed') = (submission_id IS NOT NULL)),
  CONSTRAINT ck_prefill_instance_validity CHECK (valid_from < valid_to)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS prefill_form (
  id                   BIGINT       NOT NULL AUTO_INCREMENT,
  instance_id          BIGINT       NOT NULL,
  data_format_id       VARCHAR(32)  NOT NULL,
  data_format_version  INT          NOT NULL,
  senders_reference    VARCHAR(255) NOT NULL DEFAULT '',
  form_data            LONGTEXT     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_prefill_form_instance (instance_id),
  CONSTRAINT fk_prefill_form_instance FOREIGN KEY (instance_id) REFERENCES prefill_instance (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Attachment bytes live in the file store; the row says where and what.
CREATE TABLE IF NOT EXISTS prefill_attachment (
  id                 BIGINT       NOT NULL AUTO_INCREMENT,
  instance_id        BIGINT       NOT NULL,
  name               VARCHAR(255) NOT NULL,
  file_name          VARCHAR(255) NOT NULL,
  attachment_type    VARCHAR(64)  NOT NULL,
  senders_reference  VARCHAR(255) NOT NULL DEFAULT '',
  size               BIGINT       NOT NULL,
  sha256             CHAR(64)     NOT NULL,
  storage_key        VARCHAR(64)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_prefill_attachment_instance (instance_id),
  CONSTRAINT fk_prefill_attachment_instance FOREIGN KEY (instance_id) REFERENCES prefill_instance (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Subscription data of a service owner (SubmitSubscriptionBasic). Updated in place when the owner
-- sends its SubscriptionID again.
CREATE TABLE IF NOT EXISTS subscription (
  id                  BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id            BIGINT       NOT NULL,
  service_id          BIGINT       NOT NULL,
  system_id           BIGINT       NOT NULL,  -- the owner system that last wrote it
  system_user_code    VARCHAR(64)  NOT NULL,
  reportee            VARCHAR(11)  NOT NULL,
  period_type         VARCHAR(16)  NOT NULL,
  start_date          DATETIME(6)  NOT NULL,
  expiration_date     DATETIME(6)  NULL,
  next_schedule_date  DATETIME(6)  NOT NULL,
  next_due_date       DATETIME(6)  NOT NULL,
  visible_date        DATETIME(6)  NULL,
  case_id             INT          NULL,
  user_type           INT          NULL,
  created_at          DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at          DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_subscription_owner (owner_id),
  KEY ix_subscription_reportee (reportee),
  CONSTRAINT fk_subscription_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_subscription_service FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_subscription_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT ck_subscription_period CHECK (period_type IN ('Annual', 'Semiannual', 'Quarterly', 'Tertiary',
    'Bimonthly', 'Monthly', 'Fortnightly', 'Weekly', 'Daily', 'Once'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS subscription_identity_field (
  subscription_id  BIGINT       NOT NULL,
  position         INT          NOT NULL,
  field_value      VARCHAR(255) NOT NULL,
  PRIMARY KEY (subscription_id, position),
  CONSTRAINT fk_subscription_identity_field_subscription FOREIGN KEY (subscription_id) REFERENCES subscription (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
