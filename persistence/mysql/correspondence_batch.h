#pragma once
// Writes several InsertCorrespondence requests in the caller's transaction with one multi-row INSERT
// per table (batch_insert.h) instead of a round trip per row: for each correspondence its receipt
// (type Correspondence, status OK, owner-scoped), the correspondence row linked to it, the receipt's
// references ExternalShipmentReference and ReceiversReference (= the correspondence id), the binary
// and XML attachment rows, and one notification_outbox row per message, linked to the correspondence.
// Internal to persistence_mysql.
//
// Preconditions: owner, system and service exist (foreign keys: error 1452 otherwise); attachment
// bytes are already in the file store.
// Throws sql::SQLException on any failure, e.g. 1062 when an owner's ExternalShipmentReference was
// used before (the unique key uq_correspondence_owner_reference decides, also between two requests
// of the same batch); the caller's transaction must then be rolled back as a whole. Returns one
// result per request, in order, each with the receipt as it was stored (no reload needed).

#include <string>
#include <vector>

#include "connection_manager.h"
#include "persistence/correspondence_repository.h"

namespace gateway::persistence::mysql {

// One InsertCorrespondence as the group commit holds it; everything is borrowed from the caller,
// who waits until the batch holding it has been written.
struct NewCorrespondence {
  const CorrespondenceRecord& record;
  const std::vector<OutboxMessage>& notifications;
  const std::string& receipt_text;
};

std::vector<CorrespondenceRepository::Created> insertCorrespondenceBatch(
    Session& session, const std::vector<const NewCorrespondence*>& batch);

// What a request weighs against db.group_commit_max_bytes: about the bytes it sends in the batch.
std::size_t correspondenceWeight(const NewCorrespondence& item);

}  // namespace gateway::persistence::mysql
