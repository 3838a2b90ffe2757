#include "batch/batch_writer.h"

#include <algorithm>
#include <ctime>

#include "batch/batch_envelope.h"
#include "common/log.h"
#include "push/attachment_zip.h"
#include "sftp/atomic_file.h"

namespace gateway::batch {

BatchWriter::BatchWriter(persistence::BatchRepository& batches, persistence::SubmissionRepository& submissions,
                         persistence::FileStore& files, const sftp::DropArea& area, BatchWriterOptions options)
    : batches_(batches), submissions_(submissions), files_(files), area_(area), options_(std::move(options)) {}

BatchWriter::~BatchWriter() { stop(); }

Status BatchWriter::write(const persistence::OutboundBatch& batch) {
  const persistence::BatchFileRecord& file = batch.file;
  if (!sftp::DropArea::isAccountName(file.owner_code)) {
    return Status::InvalidArgument("owner code " + file.owner_code + " cannot be an SFTP account");
  }
  const auto outbound = area_.folder(file.owner_code, sftp::Folder::kOutbound);
  const sftp::FileOwner owner = area_.ownerOf(file.owner_id);
  std::vector<persistence::ArchivedSubmission> submissions;
  for (persistence::Id id : batch.submission_ids) {
    auto submission = submissions_.getById(file.owner_id, id);
    if (!submission.ok()) return submission.status();
    submissions.push_back(std::move(submission).value());
  }
  for (const auto& s : submissions) {
    if (s.attachments.empty()) continue;
    auto zip = push::buildAttachmentZip(files_, s.attachments, options_.max_attachment_bytes, options_.temp_dir);
    if (!zip.ok()) return zip.status();
    Status st = sftp::writeFileAtomically(outbound, attachmentsFileName(file.id, s.archive_reference), zip.value(),
                                          0640, owner);
    if (!st.ok()) return st;
  }
  const std::string envelope = buildBatchEnvelope(file, submissions, std::time(nullptr));
  Status st = sftp::writeFileAtomically(outbound, file.file_name, envelope, 0640, owner);
  if (!st.ok()) return st;
  st = batches_.markWritten(file.id);
  if (!st.ok() && st.code() != StatusCode::kNotFound) return st;  // kNotFound: another writer finished it
  log::info("batch.file.written", {{"owner", file.owner_code},
                                   {"file", file.file_name},
                                   {"submissions", std::to_string(submissions.size())}});
  return Status::Ok();
}

bool BatchWriter::due(persistence::Id batch_id) const {
  auto it = retry_.find(batch_id);
  return it == retry_.end() || std::chrono::steady_clock::now() >= it->second.next;
}

void BatchWriter::noteOutcome(persistence::Id batch_id, const Status& status) {
  if (status.ok()) {
    retry_.erase(batch_id);
    return;
  }
  constexpr std::chrono::seconds kFirst{1};
  constexpr std::chrono::seconds kMax{300};
  Retry& r = retry_[batch_id];
  r.wait = r.wait.count() == 0 ? kFirst : std::min(r.wait * 2, kMax);
  r.next = std::chrono::steady_clock::now() + r.wait;
}

Result<int> BatchWriter::runOnce() {
  int written = 0;
  Status first = Status::Ok();
  auto note = [&](const Status& s, const persistence::BatchFileRecord& file) {
    noteOutcome(file.id, s);
    if (s.ok()) {
      ++written;
      return;
    }
    log::error("batch.file.write_failed", {{"owner", file.owner_code}, {"file", file.file_name}, {"error", s.message()}});
    if (first.ok()) first = s;
  };
  auto unfinished = batches_.unfinishedBatches(100);
  if (!unfinished.ok()) return unfinished.status();
  for (const auto& batch : unfinished.value()) {
    if (due(batch.file.id)) note(write(batch), batch.file);
  }

  auto owners = batches_.dueOwners(options_.max_items, options_.max_age, 100);
  if (!owners.ok()) return owners.status();
  for (persistence::Id owner_id : owners.value()) {
    for (;;) {  // an owner may have several full batches waiting
      auto batch = batches_.assignBatch(owner_id, options_.max_items);
      if (!batch.ok()) return batch.status();
      if (!batch.value()) break;
      note(write(*batch.value()), batch.value()->file);
      if (static_cast<int>(batch.value()->submission_ids.size()) < options_.max_items) break;
    }
  }
  if (!first.ok()) return first;
  return written;
}

void BatchWriter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto done = runOnce();
    if (!done.ok()) log::warn("batch.writer.pass_failed", {{"error", done.status().message()}});
    lock.lock();
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

void BatchWriter::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void BatchWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gateway::batch
