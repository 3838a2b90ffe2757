-- 011: the broker service (formidling, BrokerServiceExternalBasic + ...BasicStreamed).
-- A shipment is initiated with a manifest and a recipient list, then its one file is uploaded
-- (state Initiated -> Uploaded); every recipient moves Initiated -> Uploaded -> Downloaded ->
-- Confirmed. When the service's availability period has passed the retention job marks the
-- shipment Expired and removes its bytes from the file store (blob_key then becomes '').
-- Receipts: the shipment's main receipt (type BrokerService) and one sub-receipt per recipient
-- live in the receipt tables (001); receipt_id / sub_receipt_id point at them.

CREATE TABLE IF NOT EXISTS broker_shipment (
  id                BIGINT        NOT NULL AUTO_INCREMENT,
  file_reference    CHAR(36)      NOT NULL,  -- a GUID, the caller's handle
  service_id        BIGINT        NOT NULL,
  sender_system_id  BIGINT        NOT NULL,
  sender_reportee   VARCHAR(11)   NOT NULL,  -- Manifest/Reportee
  senders_reference VARCHAR(255)  NOT NULL,
  manifest_xml      MEDIUMTEXT    NOT NULL,  -- the validated BrokerServiceManifest document
  state             VARCHAR(12)   NOT NULL DEFAULT 'Initiated',  -- Initiated | Uploaded | Expired
  file_name         VARCHAR(255)  NOT NULL DEFAULT '',
  blob_key          VARCHAR(255)  NOT NULL DEFAULT '',
  file_size         BIGINT        NOT NULL DEFAULT 0,
  sha256_hex        CHAR(64)      NOT NULL DEFAULT '',
  receipt_id        BIGINT        NOT NULL,
  created_at        DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  uploaded_at       DATETIME(6)   NULL,
  expires_at        DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_broker_shipment_reference (file_reference),
  KEY ix_broker_shipment_expiry (state, expires_at),
  CONSTRAINT fk_broker_shipment_service FOREIGN KEY (service_id) REFERENCES service (id),
  CONSTRAINT fk_broker_shipment_system FOREIGN KEY (sender_system_id) REFERENCES system (id),
  CONSTRAINT fk_broker_shipment_receipt FOREIGN KEY (receipt_id) REFERENCES receipt (id),
  CONSTRAINT ck_broker_shipment_state CHECK (state IN ('Initiated', 'Uploaded', 'Expired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS broker_recipient (
  shipment_id     BIGINT       NOT NULL,
  reportee        VARCHAR(11)  NOT NULL,
  state           VARCHAR(12)  NOT NULL DEFAULT 'Initiated',  -- Initiated | Uploaded | Downloaded | Confirmed
  sub_receipt_id  BIGINT       NOT NULL,
  changed_at      DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (shipment_id, reportee),
  KEY ix_broker_recipient_reportee (reportee, state),
  CONSTRAINT fk_broker_recipient_shipment FOREIGN KEY (shipment_id) REFERENCES broker_shipment (id),
  CONSTRAINT fk_broker_recipient_receipt FOREIGN KEY (sub_receipt_id) REFERENCES receipt (id),
  CONSTRAINT ck_broker_recipient_state CHECK (state IN ('Initiated', 'Uploaded', 'Downloaded', 'Confirmed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Per broker service: how long an uploaded file stays available (gatewayctl broker availability).
-- A service without a row uses broker.default_availability_days of the configuration.
CREATE TABLE IF NOT EXISTS broker_service_setting (
  service_id         BIGINT  NOT NULL,
  availability_days  INT     NOT NULL,
  PRIMARY KEY (service_id),
  CONSTRAINT fk_broker_setting_service FOREIGN KEY (service_id) REFERENCES service (id) ON DELETE CASCADE,
  CONSTRAINT ck_broker_setting_days CHECK (availability_days > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
