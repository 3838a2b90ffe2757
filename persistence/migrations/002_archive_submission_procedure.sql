-- 002: archive_submission, the fixed part of storing a submission, as one server-side call.
--
-- Why a procedure: archiving is the hot path (target >= 5,000/s on 2 cores) and profiling showed the
-- database's CPU going mostly to per-statement round trips (context switches), not to the inserts.
-- Done statement by statement it is ~9 round trips; with this call it is START, CALL, the forms
-- (multi-row INSERT), the attachments if any (multi-row INSERT), COMMIT.
--
-- Runs inside the caller's transaction (it does not commit). Writes the submission, its FormTask
-- receipt (status OK) with references ArchiveReference (+ EndUserSystemReference and
-- ExternalShipmentReference when not empty), the end-user reference that enforces the duplicate rule
-- (duplicate key error 1062 when (system, reference) exists), a download-queue item and a NotSent
-- shipment-status entry.
-- Result: one row (ok, submission_id, receipt_id, receipt last_changed as epoch seconds); ok = 0 and
-- nothing written when the service does not belong to the owner.
-- SQL SECURITY INVOKER: runs with the caller's rights, so it does not depend on who created it.

DELIMITER //

CREATE OR REPLACE PROCEDURE archive_submission(
  IN p_owner_id BIGINT,
  IN p_service_id BIGINT,
  IN p_system_id BIGINT,
  IN p_reportee VARCHAR(11),
  IN p_external_shipment_reference VARCHAR(255),
  IN p_end_user_system_reference VARCHAR(255),
  IN p_case_id INT,
  IN p_receipt_text MEDIUMTEXT)
  MODIFIES SQL DATA
  SQL SECURITY INVOKER
archive: BEGIN
  DECLARE v_service_code VARCHAR(32) DEFAULT NULL;
  DECLARE v_submission_id BIGINT;
  DECLARE v_receipt_id BIGINT;

  SELECT code INTO v_service_code FROM service WHERE id = p_service_id AND owner_id = p_owner_id;
  IF v_service_code IS NULL THEN
    SELECT 0, NULL, NULL, NULL;
    LEAVE archive;
  END IF;

  INSERT INTO submission (owner_id, service_id, system_id, reportee, external_shipment_reference, case_id)
  VALUES (p_owner_id, p_service_id, p_system_id, p_reportee, p_external_shipment_reference, p_case_id);
  SET v_submission_id = LAST_INSERT_ID();

  INSERT INTO receipt (type, status, text, history, last_changed, owner_id, system_id, submission_id)
  VALUES ('FormTask', 'OK', p_receipt_text, '', UTC_TIMESTAMP(6), p_owner_id, p_system_id, v_submission_id);
  SET v_receipt_id = LAST_INSERT_ID();

  IF p_end_user_system_reference <> '' THEN
    INSERT INTO end_user_reference (system_id, reference, receipt_id)
    VALUES (p_system_id, p_end_user_system_reference, v_receipt_id);
  END IF;

  INSERT INTO receipt_reference (receipt_id, type, value)
  VALUES (v_receipt_id, 'ArchiveReference', CONCAT('AR', v_submission_id));
  IF p_end_user_system_reference <> '' THEN
    INSERT INTO receipt_reference (receipt_id, type, value)
    VALUES (v_receipt_id, 'EndUserSystemReference', p_end_user_system_reference);
  END IF;
  IF p_external_shipment_reference <> '' THEN
    INSERT INTO receipt_reference (receipt_id, type, value)
    VALUES (v_receipt_id, 'ExternalShipmentReference', p_external_shipment_reference);
  END IF;

  INSERT INTO download_queue (submission_id, owner_id, service_code)
  VALUES (v_submission_id, p_owner_id, v_service_code);
  INSERT INTO shipment_status_log (submission_id, status) VALUES (v_submission_id, 'NotSent');

  SELECT 1, v_submission_id, v_receipt_id, TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', last_changed)
  FROM receipt WHERE id = v_receipt_id;
END archive //

DELIMITER ;
