-- 014: who in an organisation receives its notifications. The role register of the contact
-- register (per organisation, the persons holding a role code such as DAGL or REGNA) and, per
-- service, the role codes that grant access to it. A notification to an organisation with Roles or
-- Service also reaches the role holders it selects, at the addresses of their own contact entries
-- (docs/services.md, NotificationAgency). Idempotent (IF NOT EXISTS).

-- A person may hold several roles for one organisation; the same role once. No foreign key to
-- `contact`: a role holder without a contact entry is registered but has no address to reach.
CREATE TABLE IF NOT EXISTS contact_role (
  organisation  VARCHAR(9)    NOT NULL,
  person        VARCHAR(11)   NOT NULL,
  role_code     VARCHAR(20)   NOT NULL,
  created_at    DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (organisation, person, role_code),
  CONSTRAINT ck_contact_role_organisation CHECK (organisation REGEXP '^[0-9]{9}$'),
  CONSTRAINT ck_contact_role_person CHECK (person REGEXP '^[0-9]{11}$'),
  CONSTRAINT ck_contact_role_code CHECK (role_code REGEXP '^[A-Z0-9]{1,20}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The role codes whose holders have access to a service (Altinn 2 grants services through roles).
CREATE TABLE IF NOT EXISTS service_access_role (
  service_id  BIGINT        NOT NULL,
  role_code   VARCHAR(20)   NOT NULL,
  PRIMARY KEY (service_id, role_code),
  CONSTRAINT fk_service_access_role_service FOREIGN KEY (service_id) REFERENCES service (id) ON DELETE CASCADE,
  CONSTRAINT ck_service_access_role_code CHECK (role_code REGEXP '^[A-Z0-9]{1,20}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- An SMS row's from_address is now its sender (empty: sms.from). Rows queued before this version
-- carry the request's e-mail FromAddress there; clear it on the SMS rows not yet sent.
UPDATE notification_outbox SET from_address = '' WHERE transport = 'SMS' AND state <> 'sent';
