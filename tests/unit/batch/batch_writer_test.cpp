// The batch writer (gateway/batch/batch_writer.h) with in-memory repositories: files land in the
// owner's outbound folder, envelope last, and a batch is marked written only after its files are.
#define BOOST_TEST_MODULE batch_writer_test
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "batch/batch_writer.h"
#include "core/fake_database.h"
#include "push/memory_file_store.h"
#include "sftp/scratch_dir.h"

using namespace gateway;
using namespace gateway::persistence;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class Submissions : public testing::FakeSubmissions {
 public:
  std::map<Id, ArchivedSubmission> by_id;
  Result<ArchivedSubmission> getById(Id owner_id, Id id) override {
    auto it = by_id.find(id);
    if (it == by_id.end() || it->second.owner_id != owner_id) return Status::NotFound("none");
    return it->second;
  }
};

class Batches : public BatchRepository {
 public:
  std::vector<std::pair<Id, Id>> pending;  // (owner id, submission id)
  std::vector<OutboundBatch> made;
  std::set<Id> written;
  int due_items = 1;

  Result<std::vector<Id>> dueOwners(int max_items, std::chrono::seconds, int) override {
    std::map<Id, int> count;
    for (auto& [owner, id] : pending) ++count[owner];
    std::vector<Id> out;
    for (auto& [owner, n] : count) {
      if (n >= std::min(max_items, due_items)) out.push_back(owner);
    }
    return out;
  }
  Result<std::optional<OutboundBatch>> assignBatch(Id owner_id, int max_items) override {
    OutboundBatch batch;
    batch.file.id = static_cast<Id>(made.size() + 1);
    batch.file.owner_id = owner_id;
    batch.file.owner_code = owner_id == 1 ? "ETAT" : "ETAT2";
    batch.file.file_name = outboundBatchFileName(batch.file.id);
    for (auto it = pending.begin(); it != pending.end() && static_cast<int>(batch.submission_ids.size()) < max_items;) {
      if (it->first == owner_id) {
        batch.submission_ids.push_back(it->second);
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    if (batch.submission_ids.empty()) return std::optional<OutboundBatch>();
    made.push_back(batch);
    return std::optional<OutboundBatch>(batch);
  }
  Result<std::vector<OutboundBatch>> unfinishedBatches(int) override {
    std::vector<OutboundBatch> out;
    for (const auto& b : made) {
      if (written.count(b.file.id) == 0) out.push_back(b);
    }
    return out;
  }
  Status markWritten(Id id) override {
    written.insert(id);
    return Status::Ok();
  }
  Result<Id> recordInbound(const BatchFileRecord&) override { return Status::Internal("unused"); }
  Result<std::vector<BatchFileRecord>> list(const BatchFileQuery&, int) override { return Status::Internal("unused"); }
  Result<BatchFileRecord> find(Id, Id) override { return Status::Internal("unused"); }
  Result<std::vector<Id>> submissionsOf(Id, Id) override { return Status::Internal("unused"); }
  Result<std::vector<BatchItemRecord>> items(Id, Id) override { return Status::Internal("unused"); }
  Result<BatchItemRecord> findItem(Id, Id) override { return Status::Internal("unused"); }
};

struct Fixture {
  Fixture() : area(sftp::DropArea::create((dir.path() / "drop").string(), 61000).value()) {
    BOOST_REQUIRE(area.provision({{1, "ETAT"}, {2, "ETAT2"}}).ok());
  }
  void add(Id owner, Id id, const std::string& attachment_bytes = "") {
    ArchivedSubmission s;
    s.id = id;
    s.owner_id = owner;
    s.archive_reference = "AR" + std::to_string(id);
    s.service_code = "4711";
    s.service_edition = 1;
    FormRecord f;
    f.data_format_id = "5703";
    f.data_format_version = 34;
    f.form_data = "<Skjema nr=\"" + std::to_string(id) + "\"/>";
    s.forms.push_back(f);
    if (!attachment_bytes.empty()) {
      AttachmentRecord a;
      a.id = id * 10;
      a.name = "Vedlegg";
      a.file_name = "v.txt";
      a.size = static_cast<std::int64_t>(attachment_bytes.size());
      a.storage_key = files.put(attachment_bytes)->key;
      s.attachments.push_back(a);
    }
    submissions.by_id[id] = s;
    batches.pending.push_back({owner, id});
  }
  batch::BatchWriter writer(int max_items) {
    batch::BatchWriterOptions options;
    options.max_items = max_items;
    options.temp_dir = dir.path().string();
    return batch::BatchWriter(batches, submissions, files, area, options);
  }
  fs::path outbound(const std::string& owner) { return area.folder(owner, sftp::Folder::kOutbound); }

  testing::ScratchDir dir;
  sftp::DropArea area;
  Submissions submissions;
  Batches batches;
  testing::MemoryFileStore files;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(BatchWriter, Fixture)

BOOST_AUTO_TEST_CASE(WritesEnvelopeAndAttachmentZipIntoTheOwnersOutbound) {
  add(1, 5, "hello");
  add(1, 6);
  auto done = writer(10).runOnce();
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done.value() == 1);
  const std::string envelope = slurp(outbound("ETAT") / "batch-1.xml");
  BOOST_TEST(envelope.find("count=\"2\"") != std::string::npos);
  BOOST_TEST(envelope.find("<Skjema nr=\"5\"/>") != std::string::npos);
  BOOST_TEST(envelope.find("<Skjema nr=\"6\"/>") != std::string::npos);
  const std::string zip = slurp(outbound("ETAT") / "batch-1.AR5.zip");
  BOOST_TEST(zip.rfind("PK", 0) == 0u);
  BOOST_TEST(!fs::exists(outbound("ETAT") / "batch-1.AR6.zip"));
  BOOST_TEST(batches.written.count(1) == 1u);
  BOOST_TEST(fs::is_empty(outbound("ETAT2")));
}

BOOST_AUTO_TEST_CASE(SplitsAtMaxItemsAndKeepsOwnersApart) {
  for (Id id = 1; id <= 5; ++id) add(1, id);
  add(2, 100);
  auto done = writer(2).runOnce();
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(done.value() == 4);  // ETAT: 2 + 2 + 1; ETAT2: 1
  std::size_t etat_files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(outbound("ETAT"))) ++etat_files;
  BOOST_TEST(etat_files == 3u);
  BOOST_TEST(slurp(outbound("ETAT2") / "batch-4.xml").find("AR100") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AFailedBatchStaysUnfinishedAndAFreshWriterWritesIt) {
  add(1, 5, "hello");
  submissions.by_id.erase(5);  // the archived submission cannot be read yet
  auto done = writer(10).runOnce();
  BOOST_TEST(!done.ok());
  BOOST_TEST(batches.written.empty());
  BOOST_TEST(!fs::exists(outbound("ETAT") / "batch-1.xml"));
  add(1, 5, "hello");
  batches.pending.clear();
  done = writer(10).runOnce();
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(fs::exists(outbound("ETAT") / "batch-1.xml"));
  BOOST_TEST(batches.written.count(1) == 1u);
}

BOOST_AUTO_TEST_CASE(AFailedBatchIsRetriedAfterABackoff) {
  add(1, 5);
  submissions.by_id.erase(5);
  batch::BatchWriter w = writer(10);
  BOOST_TEST(!w.runOnce().ok());
  add(1, 5);
  batches.pending.clear();
  auto done = w.runOnce();  // too soon: the batch waits (1 s after the first failure)
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(done.value() == 0);
  BOOST_TEST(!fs::exists(outbound("ETAT") / "batch-1.xml"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  done = w.runOnce();
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  BOOST_TEST(done.value() == 1);
  BOOST_TEST(fs::exists(outbound("ETAT") / "batch-1.xml"));
}

BOOST_AUTO_TEST_SUITE_END()
