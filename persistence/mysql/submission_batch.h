#pragma once
// Writes several submissions in the caller's transaction with one multi-row INSERT per table (cut
// into power-of-two statement sizes), instead of a round trip per row: the submission, its FormTask
// receipt (status OK) with references ArchiveReference (+ EndUserSystemReference and
// ExternalShipmentReference when not empty), the end-user reference that enforces the duplicate rule,
// a download-queue item, a NotSent shipment-status entry, the forms and the attachment rows, and a
// push_outbox row for each submission whose service delivers through the push channel.
// Internal to persistence_mysql.
//
// Preconditions: each submission's owner_id is its service's owner (enforced by a foreign key:
// error 1452 otherwise); attachments are already in the file store.
// Throws sql::SQLException on any failure (e.g. 1062 for a reused end-user reference); the caller's
// transaction must then be rolled back as a whole. Returns one result per submission, in order.

#include <vector>

#include "connection_manager.h"
#include "persistence/records.h"

namespace gateway::persistence::mysql {

std::vector<SubmissionCreated> insertSubmissionBatch(Session& session, const std::vector<const NewSubmission*>& batch);

}  // namespace gateway::persistence::mysql
