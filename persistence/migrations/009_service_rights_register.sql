-- 009: the service owner's rights register (SRR, RegisterSRRAgencyExternalBasic): who may Read or
-- Write on a service edition (broker services check it on every upload, listing and download).
-- A rule is (service, reportee, right, condition); condition '' means none. valid_to is UTC; an
-- expired rule grants nothing and is left for the owner to delete or re-add.

CREATE TABLE IF NOT EXISTS service_right (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  service_id  BIGINT       NOT NULL,
  reportee    VARCHAR(11)  NOT NULL,
  access      VARCHAR(8)   NOT NULL,  -- Read | Write
  `condition` VARCHAR(255) NOT NULL DEFAULT '',
  valid_to    DATETIME(6)  NOT NULL,
  created_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_service_right_rule (service_id, reportee, access, `condition`),
  CONSTRAINT fk_service_right_service FOREIGN KEY (service_id) REFERENCES service (id) ON DELETE CASCADE,
  CONSTRAINT ck_service_right_access CHECK (access IN ('Read', 'Write')),
  CONSTRAINT ck_service_right_reportee CHECK (reportee REGEXP '^([0-9]{9}|[0-9]{11})$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
