-- 006: the push channel. A service owner chooses per service how completed submissions reach it:
-- 'queue' (the download queue only, the default when a service has no row here) or 'push' (also
-- delivered to the owner's OnlineBatchReceiver by the gateway's delivery worker, gateway/push).
--
-- Each push-mode service is one delivery channel with its own sequence: next_sequence is taken under
-- the channel row's lock in the submission's transaction (persistence/mysql/submission_batch.cpp),
-- so sequence numbers are contiguous per channel and in commit order. An AUTO_INCREMENT id would
-- not do: ids are handed out at INSERT time, and two transactions may commit in the other order.

CREATE TABLE IF NOT EXISTS service_channel (
  service_id         BIGINT        NOT NULL,
  owner_id           BIGINT        NOT NULL,
  mode               VARCHAR(8)    NOT NULL DEFAULT 'queue',  -- queue | push
  receiver_url       VARCHAR(1024) NOT NULL DEFAULT '',
  receiver_username  VARCHAR(255)  NOT NULL DEFAULT '',
  -- A credential the service owner gave us to present to ITS receiver (we send it, we never verify
  -- it), so it is stored as given, not hashed. Never logged, never printed by gatewayctl.
  receiver_password  VARCHAR(1024) NOT NULL DEFAULT '',
  remove_from_queue  TINYINT(1)    NOT NULL DEFAULT 0,  -- a delivered item is also purged from the download queue
  next_sequence      BIGINT        NOT NULL DEFAULT 1,
  queue_mode         TINYINT(1)    NOT NULL DEFAULT 0,  -- receiver down (fault / network): retry the oldest only
  lease_holder       VARCHAR(96)   NULL,                -- the gateway process delivering this channel now
  lease_until        DATETIME(6)   NULL,
  updated_at         DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (service_id),
  KEY ix_service_channel_owner (owner_id),
  CONSTRAINT fk_service_channel_service_owner FOREIGN KEY (service_id, owner_id) REFERENCES service (id, owner_id),
  CONSTRAINT ck_service_channel_mode CHECK (mode IN ('queue', 'push')),
  CONSTRAINT ck_service_channel_push_url CHECK (mode = 'queue' OR receiver_url <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- One row per submission to push, written in the submission's transaction.
CREATE TABLE IF NOT EXISTS push_outbox (
  id               BIGINT        NOT NULL AUTO_INCREMENT,
  owner_id         BIGINT        NOT NULL,
  service_id       BIGINT        NOT NULL,
  submission_id    BIGINT        NOT NULL,
  sequence_number  BIGINT        NOT NULL,  -- per channel (service), from service_channel.next_sequence
  state            VARCHAR(10)   NOT NULL DEFAULT 'pending',  -- pending | delivered | dead
  attempts         INT           NOT NULL DEFAULT 0,
  next_attempt_at  DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  last_result      VARCHAR(1024) NOT NULL DEFAULT '',
  created_at       DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at       DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_push_outbox_submission (submission_id),
  UNIQUE KEY uq_push_outbox_sequence (service_id, sequence_number),
  -- "the oldest pending item of this channel"
  KEY ix_push_outbox_head (service_id, state, sequence_number),
  KEY ix_push_outbox_state (state, id),
  CONSTRAINT fk_push_outbox_submission FOREIGN KEY (submission_id) REFERENCES submission (id),
  CONSTRAINT fk_push_outbox_channel FOREIGN KEY (service_id) REFERENCES service_channel (service_id),
  CONSTRAINT fk_push_outbox_owner FOREIGN KEY (owner_id) REFERENCES service_owner (id),
  CONSTRAINT ck_push_outbox_state CHECK (state IN ('pending', 'delivered', 'dead'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
