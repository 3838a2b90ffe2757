// The inbound poller (gateway/sftp/inbound_poller.h): which files it takes, where they go, and the
// reports it writes; with a scripted handler.
#define BOOST_TEST_MODULE inbound_poller_test
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "scratch_dir.h"
#include "sftp/inbound_poller.h"

using namespace gateway;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Accepts files whose content starts with "ok", asks to retry on "later", rejects the rest.
class ScriptedHandler : public sftp::InboundHandler {
 public:
  Result<sftp::InboundVerdict> handle(const sftp::InboundFile& file) override {
    seen.push_back(file.account.owner_code + "/" + file.name);
    sftp::InboundVerdict v;
    if (file.bytes.rfind("ok", 0) == 0) {
      v.accepted = true;
      v.receipt = "<Receipt/>";
      return v;
    }
    if (file.bytes == "later") return Status::Unavailable("database down");
    if (file.bytes == "refuse") return Status::PermissionDenied("not yours");
    v.error = "malformed: " + file.bytes;
    return v;
  }
  std::vector<std::string> seen;
};

struct Fixture {
  Fixture() : area(sftp::DropArea::create((dir.path() / "drop").string(), 61000).value()) {
    BOOST_REQUIRE(area.provision(accounts).ok());
  }
  void drop(const std::string& owner, const std::string& name, const std::string& content) {
    std::ofstream(area.folder(owner, sftp::Folder::kInbound) / name) << content;
  }
  Result<int> poll(long max_bytes = 1 << 20) {
    sftp::InboundPollerOptions options;
    options.max_file_bytes = max_bytes;
    sftp::InboundPoller poller(area, [this]() -> Result<std::vector<sftp::SftpAccount>> { return accounts; }, handler,
                               options);
    return poller.pollOnce();
  }
  fs::path in(const std::string& owner, sftp::Folder f, const std::string& name) { return area.folder(owner, f) / name; }

  testing::ScratchDir dir;
  std::vector<sftp::SftpAccount> accounts{{1, "ETAT"}, {2, "ETAT2"}};
  sftp::DropArea area;
  ScriptedHandler handler;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(InboundPoller, Fixture)

BOOST_AUTO_TEST_CASE(AcceptedFileMovesToProcessedWithItsReceipt) {
  drop("ETAT", "a.xml", "ok 1");
  auto done = poll();
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(done.value() == 1);
  BOOST_TEST(!fs::exists(in("ETAT", sftp::Folder::kInbound, "a.xml")));
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kProcessed, "a.xml")) == "ok 1");
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kProcessed, "a.xml.receipt.xml")) == "<Receipt/>");
}

BOOST_AUTO_TEST_CASE(RejectedFileMovesToFailedWithItsErrorReport) {
  drop("ETAT2", "b.xml", "garbage");
  drop("ETAT2", "c.xml", "refuse");
  BOOST_REQUIRE(poll().ok());
  BOOST_TEST(slurp(in("ETAT2", sftp::Folder::kFailed, "b.xml")) == "garbage");
  BOOST_TEST(slurp(in("ETAT2", sftp::Folder::kFailed, "b.xml.error.txt")) == "malformed: garbage\n");
  BOOST_TEST(slurp(in("ETAT2", sftp::Folder::kFailed, "c.xml.error.txt")) == "not yours\n");
}

BOOST_AUTO_TEST_CASE(IncompleteAndHiddenNamesAreLeftAlone) {
  drop("ETAT", "a.xml.part", "ok");
  drop("ETAT", "a.tmp", "ok");
  drop("ETAT", ".a.xml", "ok");
  auto done = poll();
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(done.value() == 0);
  BOOST_TEST(handler.seen.empty());
  BOOST_TEST(fs::exists(in("ETAT", sftp::Folder::kInbound, "a.xml.part")));
}

BOOST_AUTO_TEST_CASE(TransientFailureLeavesTheFileForTheNextPass) {
  drop("ETAT", "a.xml", "later");
  auto done = poll();
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(done.value() == 0);
  BOOST_TEST(fs::exists(in("ETAT", sftp::Folder::kInbound, "a.xml")));
}

BOOST_AUTO_TEST_CASE(SymlinksAndOversizedFilesAreRejectedUnread) {
  std::ofstream(dir.path() / "secret") << "ok secret";
  fs::create_symlink(dir.path() / "secret", in("ETAT", sftp::Folder::kInbound, "link.xml"));
  drop("ETAT", "big.xml", "ok " + std::string(100, 'x'));
  BOOST_REQUIRE(poll(50).ok());
  BOOST_TEST(handler.seen.empty());
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kFailed, "link.xml.error.txt")) == "not a regular file\n");
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kFailed, "big.xml.error.txt")).find("larger than 50") != std::string::npos);
  BOOST_TEST(slurp(dir.path() / "secret") == "ok secret");
}

BOOST_AUTO_TEST_CASE(ATakenNameGetsASuffix) {
  drop("ETAT", "a.xml", "ok first");
  BOOST_REQUIRE(poll().ok());
  drop("ETAT", "a.xml", "ok second");
  BOOST_REQUIRE(poll().ok());
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kProcessed, "a.xml")) == "ok first");
  BOOST_TEST(slurp(in("ETAT", sftp::Folder::kProcessed, "a-1.xml")) == "ok second");
  BOOST_TEST(fs::exists(in("ETAT", sftp::Folder::kProcessed, "a-1.xml.receipt.xml")));
}

BOOST_AUTO_TEST_CASE(EachOwnerIsPolledInItsOwnFolder) {
  drop("ETAT", "a.xml", "ok");
  drop("ETAT2", "a.xml", "ok");
  BOOST_REQUIRE(poll().ok());
  BOOST_TEST(handler.seen == std::vector<std::string>({"ETAT/a.xml", "ETAT2/a.xml"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
