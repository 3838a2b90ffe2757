// server/crl_reloader.h: when the CRL file is read again and whether it may replace the CRLs in use.
// The file is a fake (text + stamp in memory) and "installing" records the set, so no I/O.
#define BOOST_TEST_MODULE crl_reloader
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>

#include "server/crl_reloader.h"
#include "test_pki.h"

using namespace gateway;
using namespace gateway::server;

namespace {

const test_pki::Pki& pki() {
  static test_pki::Pki instance;
  return instance;
}

struct FakeFile {
  std::string text;
  FileStamp stamp;
  bool readable = true;
  int reads = 0;

  // A new version of the file, as an atomic rename would make it.
  void replace(std::string new_text) {
    text = std::move(new_text);
    stamp.exists = true;
    ++stamp.inode;
    stamp.size = static_cast<std::int64_t>(text.size());
    stamp.mtime_ns += 1000;
  }
};

class FakeSource : public CrlSource {
 public:
  explicit FakeSource(FakeFile& file) : file_(file) {}
  std::string name() const override { return "/etc/gateway/crl.pem"; }
  FileStamp stamp() const override { return file_.stamp; }
  Result<std::string> read() const override {
    ++file_.reads;
    if (!file_.readable) return Status::Unavailable("cannot open: Permission denied");
    return file_.text;
  }

 private:
  FakeFile& file_;
};

struct Fixture {
  Fixture() {
    file.replace(pki().crlPem({6}));
    reloader.emplace(std::make_unique<FakeSource>(file), file.stamp, [this](const CrlSet& crls) {
      if (!install_status.ok()) return install_status;
      ++installs;
      installed_count = crls.size();
      return Status::Ok();
    });
  }
  ReloadOutcome periodic() { return reloader->reload(ReloadTrigger::kPeriodic); }

  FakeFile file;
  Status install_status = Status::Ok();
  int installs = 0;
  std::size_t installed_count = 0;
  std::optional<CrlReloader> reloader;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(CrlReloaderTest, Fixture)

BOOST_AUTO_TEST_CASE(APeriodicCheckOfAnUnchangedFileReadsNothing) {
  BOOST_TEST((periodic() == ReloadOutcome::kUnchanged));
  BOOST_TEST((periodic() == ReloadOutcome::kUnchanged));
  BOOST_TEST(file.reads == 0);
  BOOST_TEST(installs == 0);
}

BOOST_AUTO_TEST_CASE(APeriodicCheckInstallsAChangedFile) {
  file.replace(pki().crlPem({3, 6}) + pki().crlPem({7}));
  BOOST_TEST((periodic() == ReloadOutcome::kReloaded));
  BOOST_TEST(installs == 1);
  BOOST_TEST(installed_count == 2u);
  BOOST_TEST((periodic() == ReloadOutcome::kUnchanged));  // once is enough
  BOOST_TEST(installs == 1);
}

BOOST_AUTO_TEST_CASE(AnyChangeOfTheStampCounts) {
  const std::string same = file.text;
  FileStamp before = file.stamp;
  file.stamp.mtime_ns += 1;  // rewritten in place with the same size
  BOOST_TEST((periodic() == ReloadOutcome::kReloaded));
  file.stamp.size += 1;
  BOOST_TEST((periodic() == ReloadOutcome::kReloaded));
  file.stamp = before;
  ++file.stamp.inode;  // renamed over, same size and time
  BOOST_TEST((periodic() == ReloadOutcome::kReloaded));
  BOOST_TEST(installs == 3);
}

BOOST_AUTO_TEST_CASE(ASignalReadsTheFileEvenWhenUnchanged) {
  BOOST_TEST((reloader->reload(ReloadTrigger::kSignal) == ReloadOutcome::kReloaded));
  BOOST_TEST(file.reads == 1);
  BOOST_TEST(installs == 1);
}

BOOST_AUTO_TEST_CASE(ABrokenFileKeepsTheOldCrlsAndIsReportedOnce) {
  file.replace(file.text.substr(0, file.text.size() / 2));  // a writer that did not rename atomically
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
  BOOST_TEST(installs == 0);
  BOOST_TEST((periodic() == ReloadOutcome::kUnchanged));  // the same bad file: not read (nor logged) again
  BOOST_TEST(file.reads == 1);
  BOOST_TEST((reloader->reload(ReloadTrigger::kSignal) == ReloadOutcome::kRejected));  // asked for: tried again
  file.replace(pki().crlPem({3}));  // fixed
  BOOST_TEST((periodic() == ReloadOutcome::kReloaded));
  BOOST_TEST(installs == 1);
}

BOOST_AUTO_TEST_CASE(AnExpiredCrlKeepsTheOldCrls) {
  file.replace(pki().crlPem({6}) + pki().crlPem({3}, -7200, -60));
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
  BOOST_TEST(installs == 0);
}

BOOST_AUTO_TEST_CASE(ACrlNotValidYetKeepsTheOldCrls) {
  file.replace(pki().crlPem({3}, 3600, 7200));
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
  BOOST_TEST(installs == 0);
}

BOOST_AUTO_TEST_CASE(TheClockDecidesWhatIsExpired) {
  file.replace(pki().crlPem({3}, -60, 3600));
  CrlReloader later(std::make_unique<FakeSource>(file), FileStamp{}, [this](const CrlSet&) {
    ++installs;
    return Status::Ok();
  }, [] { return std::chrono::system_clock::now() + std::chrono::hours(2); });
  BOOST_TEST((later.reload(ReloadTrigger::kPeriodic) == ReloadOutcome::kRejected));
  BOOST_TEST(installs == 0);
}

BOOST_AUTO_TEST_CASE(AMissingOrUnreadableFileKeepsTheOldCrls) {
  file.stamp = FileStamp{};  // deleted
  file.readable = false;
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
  file.replace(file.text);  // back, but not readable
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
  BOOST_TEST(installs == 0);
}

BOOST_AUTO_TEST_CASE(AStoreThatCannotBeBuiltIsARejection) {
  install_status = Status::Internal("TLS: cannot build the certificate store");
  file.replace(pki().crlPem({3}));
  BOOST_TEST((periodic() == ReloadOutcome::kRejected));
}

BOOST_AUTO_TEST_CASE(NamesTheTriggers) {
  BOOST_TEST(std::string(triggerName(ReloadTrigger::kSignal)) == "SIGHUP");
  BOOST_TEST(std::string(triggerName(ReloadTrigger::kPeriodic)) == "periodic");
}

BOOST_AUTO_TEST_SUITE_END()
