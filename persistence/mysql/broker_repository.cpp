// BrokerRepository: broker shipments, their recipients and receipts (migration 011).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

BrokerShipmentState shipmentStateFromName(const std::string& name) {
  if (name == "Uploaded") return BrokerShipmentState::kUploaded;
  if (name == "Expired") return BrokerShipmentState::kExpired;
  return BrokerShipmentState::kInitiated;
}

BrokerRecipientState recipientStateFromName(const std::string& name) {
  if (name == "Uploaded") return BrokerRecipientState::kUploaded;
  if (name == "Downloaded") return BrokerRecipientState::kDownloaded;
  if (name == "Confirmed") return BrokerRecipientState::kConfirmed;
  return BrokerRecipientState::kInitiated;
}

const std::string kShipmentColumns =
    "b.id, b.file_reference, b.service_id, s.owner_id, s.code, s.edition, b.sender_system_id, b.sender_reportee, "
    "b.senders_reference, b.manifest_xml, b.state, b.file_name, b.blob_key, b.file_size, b.sha256_hex, b.receipt_id, " +
    epochOf("b.created_at") + ", " + epochOf("b.uploaded_at") + ", " + epochOf("b.expires_at");

BrokerShipmentRecord readShipment(sql::ResultSet& rows) {
  BrokerShipmentRecord r;
  r.id = rows.getInt64(1);
  r.file_reference = getString(rows, 2);
  r.service_id = rows.getInt64(3);
  r.owner_id = rows.getInt64(4);
  r.service_code = getString(rows, 5);
  r.service_edition = rows.getInt(6);
  r.sender_system_id = rows.getInt64(7);
  r.sender_reportee = getString(rows, 8);
  r.senders_reference = getString(rows, 9);
  r.manifest_xml = getString(rows, 10);
  r.state = shipmentStateFromName(getString(rows, 11));
  r.file_name = getString(rows, 12);
  r.blob_key = getString(rows, 13);
  r.file_size = rows.getInt64(14);
  r.sha256_hex = getString(rows, 15);
  r.receipt_id = rows.getInt64(16);
  r.created_at = static_cast<std::time_t>(rows.getInt64(17));
  if (!rows.isNull(18)) r.uploaded_at = static_cast<std::time_t>(rows.getInt64(18));
  r.expires_at = static_cast<std::time_t>(rows.getInt64(19));
  return r;
}

// Loads one shipment (locked when `for_update`) with its recipients.
std::optional<BrokerShipmentRecord> loadShipment(Session& session, const std::string& where, const Id* id,
                                                 const std::string* reference, bool for_update) {
  auto& statement = session.prepare("SELECT " + kShipmentColumns +
                                    " FROM broker_shipment b JOIN service s ON s.id = b.service_id WHERE " + where +
                                    (for_update ? " FOR UPDATE" : ""));
  Params params(statement);
  if (id) params.id(*id);
  if (reference) params.str(*reference);
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  if (!rows->next()) return std::nullopt;
  BrokerShipmentRecord shipment = readShipment(*rows);
  auto& recipients = session.prepare(
      "SELECT reportee, state, sub_receipt_id FROM broker_recipient WHERE shipment_id = ? ORDER BY reportee");
  Params(recipients).id(shipment.id);
  std::unique_ptr<sql::ResultSet> list(recipients.executeQuery());
  while (list->next()) {
    shipment.recipients.push_back(
        {getString(*list, 1), recipientStateFromName(getString(*list, 2)), list->getInt64(3)});
  }
  return shipment;
}

void setReceiptText(Session& session, Id receipt_id, const std::string& text) {
  auto& statement = session.prepare(std::string("UPDATE receipt ") + kUpdateReceiptSet + " WHERE id = ?");
  Params(statement).str(text).str(receiptStatusName(ReceiptStatus::kOk)).id(receipt_id);
  statement.executeUpdate();
}

std::string subReceiptText(const std::string& reportee, BrokerRecipientState state) {
  return std::string(brokerRecipientStateName(state)) + ": recipient " + reportee;
}

}  // namespace

Result<BrokerShipmentRecord> MysqlBrokerRepository::create(const NewBrokerShipment& shipment) {
  std::optional<BrokerShipmentRecord> stored;
  Status status = db_.runInTransaction("broker.create", [&](Session& session) -> Status {
    const std::optional<Id> owner = shipment.owner_id;
    const std::optional<Id> sender = shipment.sender_system_id;
    Id receipt_id = insertReceipt(session, std::nullopt, "BrokerService", ReceiptStatus::kOk,
                                  "Initiated: broker shipment " + shipment.file_reference, "", owner, sender);
    insertReceiptReferences(session, receipt_id,
                            {{"OutboundShipmentReference", shipment.file_reference},
                             {"SendersReference", shipment.senders_reference}});
    Id shipment_id = 0;
    {
      auto& insert = session.prepare(
          "INSERT INTO broker_shipment (file_reference, service_id, sender_system_id, sender_reportee, "
          "senders_reference, manifest_xml, receipt_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, " +
          std::string(kDatetimeFromEpochParam) + ") RETURNING id");
      Params(insert)
          .str(shipment.file_reference)
          .id(shipment.service_id)
          .id(shipment.sender_system_id)
          .str(shipment.sender_reportee)
          .str(shipment.senders_reference)
          .str(shipment.manifest_xml)
          .id(receipt_id)
          .i64(shipment.expires_at);
      std::unique_ptr<sql::ResultSet> rows(insert.executeQuery());
      rows->next();
      shipment_id = rows->getInt64(1);
    }
    for (const std::string& reportee : shipment.recipients) {
      Id sub = insertReceipt(session, receipt_id, "BrokerService", ReceiptStatus::kOk,
                             subReceiptText(reportee, BrokerRecipientState::kInitiated), "", owner, sender);
      insertReceiptReferences(session, sub, {{"PartyReference", reportee}});
      auto& insert = session.prepare(
          "INSERT INTO broker_recipient (shipment_id, reportee, sub_receipt_id) VALUES (?, ?, ?)");
      Params(insert).id(shipment_id).str(reportee).id(sub);
      insert.executeUpdate();
    }
    stored = loadShipment(session, "b.id = ?", &shipment_id, nullptr, false);
    if (!stored) return Status::Internal("broker.create: stored shipment not found");
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::move(*stored);
}

Result<std::optional<BrokerShipmentRecord>> MysqlBrokerRepository::find(const std::string& file_reference) {
  std::optional<BrokerShipmentRecord> found;
  Status status = db_.run(TransactionMode::kSnapshot, "broker.find", [&](Session& session) {
    found = loadShipment(session, "b.file_reference = ?", nullptr, &file_reference, false);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status MysqlBrokerRepository::markUploaded(Id shipment_id, const std::string& file_name, const StoredBlob& blob,
                                           std::time_t expires_at) {
  return db_.runInTransaction("broker.markUploaded", [&](Session& session) -> Status {
    auto shipment = loadShipment(session, "b.id = ?", &shipment_id, nullptr, true);
    if (!shipment) return Status::NotFound("broker shipment not found");
    if (shipment->state == BrokerShipmentState::kExpired) {
      return Status::AlreadyExists("this broker shipment has expired");  // while its file was arriving
    }
    if (shipment->state != BrokerShipmentState::kInitiated) {
      return Status::AlreadyExists("the file of this broker shipment was uploaded already");
    }
    auto& update = session.prepare(
        "UPDATE broker_shipment SET state = 'Uploaded', file_name = ?, blob_key = ?, file_size = ?, sha256_hex = ?, "
        "uploaded_at = UTC_TIMESTAMP(6), expires_at = " + std::string(kDatetimeFromEpochParam) + " WHERE id = ?");
    Params(update).str(file_name).str(blob.key).i64(blob.size).str(blob.sha256_hex).i64(expires_at).id(shipment_id);
    update.executeUpdate();
    auto& recipients = session.prepare(
        "UPDATE broker_recipient SET state = 'Uploaded', changed_at = UTC_TIMESTAMP(6) WHERE shipment_id = ?");
    Params(recipients).id(shipment_id);
    recipients.executeUpdate();
    setReceiptText(session, shipment->receipt_id,
                   "Uploaded: " + file_name + " (" + std::to_string(blob.size) + " bytes, SHA-256 " + blob.sha256_hex +
                       ")");
    for (const auto& r : shipment->recipients) {
      setReceiptText(session, r.sub_receipt_id, subReceiptText(r.reportee, BrokerRecipientState::kUploaded));
    }
    return Status::Ok();
  });
}

Status MysqlBrokerRepository::advanceRecipient(Id shipment_id, const std::string& reportee,
                                               BrokerRecipientState state) {
  return db_.runInTransaction("broker.advanceRecipient", [&](Session& session) -> Status {
    auto& find = session.prepare(
        "SELECT state, sub_receipt_id FROM broker_recipient WHERE shipment_id = ? AND reportee = ? FOR UPDATE");
    Params(find).id(shipment_id).str(reportee);
    std::unique_ptr<sql::ResultSet> rows(find.executeQuery());
    if (!rows->next()) return Status::NotFound("not a recipient of this broker shipment");
    const BrokerRecipientState current = recipientStateFromName(getString(*rows, 1));
    const Id sub_receipt = rows->getInt64(2);
    if (static_cast<int>(current) >= static_cast<int>(state)) return Status::Ok();
    auto& update = session.prepare(
        "UPDATE broker_recipient SET state = ?, changed_at = UTC_TIMESTAMP(6) WHERE shipment_id = ? AND reportee = ?");
    Params(update).str(brokerRecipientStateName(state)).id(shipment_id).str(reportee);
    update.executeUpdate();
    setReceiptText(session, sub_receipt, subReceiptText(reportee, state));
    return Status::Ok();
  });
}

Result<std::vector<BrokerAvailableFile>> MysqlBrokerRepository::availableFiles(const BrokerFileQuery& query) {
  if (query.recipients.empty() || query.states.empty() || query.limit < 1) {
    return Status::InvalidArgument("broker.availableFiles: recipients, states and a positive limit are required");
  }
  std::vector<BrokerAvailableFile> files;
  Status status = db_.run(TransactionMode::kSnapshot, "broker.availableFiles", [&](Session& session) {
    files.clear();
    const std::size_t recipients = bucketSize(query.recipients.size());
    const std::size_t states = bucketSize(query.states.size());
    std::string sql_text =
        "SELECT b.file_reference, s.code, s.edition, s.id, b.file_name, b.file_size, r.state, r.reportee, "
        "b.receipt_id, b.sender_reportee, b.senders_reference, " + epochOf("b.uploaded_at") +
        " FROM broker_recipient r JOIN broker_shipment b ON b.id = r.shipment_id JOIN service s ON s.id = "
        "b.service_id WHERE b.state = 'Uploaded' AND r.reportee IN (" + placeholderRows("?", recipients) +
        ") AND r.state IN (" + placeholderRows("?", states) + ")";
    if (query.service_code) sql_text += " AND s.code = ?";
    if (query.service_edition) sql_text += " AND s.edition = ?";
    if (query.sent_from) sql_text += std::string(" AND b.uploaded_at >= ") + kDatetimeFromEpochParam;
    if (query.sent_to) sql_text += std::string(" AND b.uploaded_at < ") + kDatetimeFromEpochParam;
    sql_text += " ORDER BY b.uploaded_at, b.id, r.reportee LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    for (std::size_t i = 0; i < recipients; ++i) params.str(query.recipients[std::min(i, query.recipients.size() - 1)]);
    for (std::size_t i = 0; i < states; ++i) {
      params.str(brokerRecipientStateName(query.states[std::min(i, query.states.size() - 1)]));
    }
    if (query.service_code) params.str(*query.service_code);
    if (query.service_edition) params.i32(*query.service_edition);
    if (query.sent_from) params.i64(*query.sent_from);
    if (query.sent_to) params.i64(*query.sent_to + 1);  // inclusive to the second
    params.i32(query.limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      BrokerAvailableFile f;
      f.file_reference = getString(*rows, 1);
      f.service_code = getString(*rows, 2);
      f.service_edition = rows->getInt(3);
      f.service_id = rows->getInt64(4);
      f.file_name = getString(*rows, 5);
      f.file_size = rows->getInt64(6);
      f.recipient_state = recipientStateFromName(getString(*rows, 7));
      f.recipient = getString(*rows, 8);
      f.receipt_id = rows->getInt64(9);
      f.sender_reportee = getString(*rows, 10);
      f.senders_reference = getString(*rows, 11);
      f.sent_at = static_cast<std::time_t>(rows->getInt64(12));
      files.push_back(std::move(f));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return files;
}

Result<std::vector<ExpiringBrokerFile>> MysqlBrokerRepository::dueForExpiry(std::time_t now, int limit) {
  std::vector<ExpiringBrokerFile> due;
  Status status = db_.run(TransactionMode::kSnapshot, "broker.dueForExpiry", [&](Session& session) {
    due.clear();
    auto& statement = session.prepare(
        "(SELECT id, blob_key FROM broker_shipment WHERE state IN ('Initiated', 'Uploaded') AND expires_at <= " +
        std::string(kDatetimeFromEpochParam) +
        ") UNION ALL (SELECT id, blob_key FROM broker_shipment WHERE state = 'Expired' AND blob_key <> '') "
        "ORDER BY id LIMIT ?");
    Params(statement).i64(now).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) due.push_back({rows->getInt64(1), getString(*rows, 2)});
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return due;
}

Status MysqlBrokerRepository::markExpired(Id shipment_id) {
  return db_.runInTransaction("broker.markExpired", [&](Session& session) -> Status {
    auto shipment = loadShipment(session, "b.id = ?", &shipment_id, nullptr, true);
    if (!shipment) return Status::NotFound("broker shipment not found");
    if (shipment->state == BrokerShipmentState::kExpired) return Status::Ok();
    auto& update = session.prepare("UPDATE broker_shipment SET state = 'Expired' WHERE id = ?");
    Params(update).id(shipment_id);
    update.executeUpdate();
    setReceiptText(session, shipment->receipt_id, "Expired: the availability period has passed; the file was deleted");
    for (const auto& r : shipment->recipients) {
      if (r.state == BrokerRecipientState::kConfirmed) continue;
      setReceiptText(session, r.sub_receipt_id, "Expired: recipient " + r.reportee + " (was " +
                                                    brokerRecipientStateName(r.state) + ")");
    }
    return Status::Ok();
  });
}

Status MysqlBrokerRepository::forgetBlob(Id shipment_id) {
  return db_.runInTransaction("broker.forgetBlob", [&](Session& session) -> Status {
    auto& update = session.prepare("UPDATE broker_shipment SET blob_key = '' WHERE id = ? AND state = 'Expired'");
    Params(update).id(shipment_id);
    update.executeUpdate();
    return Status::Ok();
  });
}

Status MysqlBrokerRepository::setAvailabilityDays(Id service_id, int days) {
  return db_.runInTransaction("broker.setAvailabilityDays", [&](Session& session) -> Status {
    auto& upsert = session.prepare(
        "INSERT INTO broker_service_setting (service_id, availability_days) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE availability_days = VALUES(availability_days)");
    Params(upsert).id(service_id).i32(days);
    upsert.executeUpdate();
    return Status::Ok();
  });
}

Result<std::optional<int>> MysqlBrokerRepository::availabilityDays(Id service_id) {
  std::optional<int> days;
  Status status = db_.run(TransactionMode::kAutocommit, "broker.availabilityDays", [&](Session& session) {
    days.reset();
    auto& statement = session.prepare("SELECT availability_days FROM broker_service_setting WHERE service_id = ?");
    Params(statement).id(service_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) days = rows->getInt(1);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return days;
}

}  // namespace gateway::persistence::mysql
