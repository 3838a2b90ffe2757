-- 008: standalone notifications: the contact register, notification templates per language and the
-- outbox the delivery worker drains. Idempotent (IF NOT EXISTS).

-- Contact register: one row per person (11-digit national identity number) or organisation
-- (9-digit organisation number). Empty email/mobile = none registered.
CREATE TABLE IF NOT EXISTS contact (
  party_number  VARCHAR(11)   NOT NULL,
  email         VARCHAR(254)  NOT NULL DEFAULT '',
  mobile        VARCHAR(20)   NOT NULL DEFAULT '',
  reserved      TINYINT(1)    NOT NULL DEFAULT 0,
  language_id   INT           NOT NULL DEFAULT 1044,
  updated_at    DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (party_number),
  CONSTRAINT ck_contact_party CHECK (party_number REGEXP '^([0-9]{9}|[0-9]{11})$'),
  CONSTRAINT ck_contact_language CHECK (language_id IN (1044, 2068, 1033))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Notification types: one template per type and language.
CREATE TABLE IF NOT EXISTS notification_template (
  notification_type  VARCHAR(100)   NOT NULL,
  language_id        INT            NOT NULL,
  email_subject      VARCHAR(500)   NOT NULL DEFAULT '',
  email_body         TEXT           NOT NULL,
  sms_text           VARCHAR(2000)  NOT NULL DEFAULT '',
  updated_at         DATETIME(6)    NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (notification_type, language_id),
  CONSTRAINT ck_template_language CHECK (language_id IN (1044, 2068, 1033))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The outbox: one row per message to one address, written in the transaction of the request.
CREATE TABLE IF NOT EXISTS notification_outbox (
  id                 BIGINT         NOT NULL AUTO_INCREMENT,
  owner_id           BIGINT         NOT NULL,
  system_id          BIGINT         NOT NULL,
  reportee           VARCHAR(11)    NOT NULL,
  notification_type  VARCHAR(100)   NOT NULL,
  transport          VARCHAR(8)     NOT NULL,  -- 'Email' | 'SMS'
  recipient          VARCHAR(254)   NOT NULL,
  from_address       VARCHAR(254)   NOT NULL DEFAULT '',
  subject            VARCHAR(1000)  NOT NULL DEFAULT '',
  body               TEXT           NOT NULL,
  state              VARCHAR(8)     NOT NULL DEFAULT 'pending',  -- pending | sending | sent | dead
  attempts           INT            NOT NULL DEFAULT 0,
  next_attempt_at    DATETIME(6)    NOT NULL,
  lease_until        DATETIME(6)    NULL,
  lease_token        BIGINT         NOT NULL DEFAULT 0,
  sent_at            DATETIME(6)    NULL,
  last_error         VARCHAR(1000)  NOT NULL DEFAULT '',
  created_at         DATETIME(6)    NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_outbox_due (state, next_attempt_at),
  KEY ix_outbox_lease (state, lease_until),
  KEY ix_outbox_owner (owner_id, id),
  CONSTRAINT fk_outbox_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT fk_outbox_system FOREIGN KEY (system_id) REFERENCES system (id),
  CONSTRAINT ck_outbox_transport CHECK (transport IN ('Email', 'SMS')),
  CONSTRAINT ck_outbox_state CHECK (state IN ('pending', 'sending', 'sent', 'dead'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
