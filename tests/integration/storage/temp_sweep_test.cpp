// The temp-file sweep (storage/temp_sweep.h) on a real directory tree: old temp files of each kind
// go, fresh ones, real blobs, clients' files and anything behind a symlink stay; a dry run removes
// nothing; `gatewayctl storage sweep [--dry-run]` does the same for operators.
#define BOOST_TEST_MODULE temp_sweep
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "persistence/database.h"
#include "storage/temp_sweep.h"

namespace fs = std::filesystem;
using namespace gateway;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "ab12cd34ef56ab12cd34ef56ab12cd34";

// A fresh tree under the build directory, removed afterwards.
struct Tree {
  Tree() {
    std::random_device random;
    base = fs::current_path() / ("sweep-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    files = base / "files";
    sftp = base / "sftp";
    zips = base / "zips";
    for (const fs::path& p : {files / "ab" / "12", sftp / "etc" / "authorized_keys",
                              sftp / "owners" / "ETAT" / "outbound", sftp / "owners" / "ETAT" / "inbound",
                              sftp / "orgs" / "org910000001" / "processed", zips, base / "elsewhere"}) {
      fs::create_directories(p);
    }
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  storage::TempSweepRoots roots() const { return {files.string(), sftp.string(), {zips.string()}}; }

  fs::path base, files, sftp, zips;
};

// Writes `bytes` to `path` and sets its modification time `age` into the past.
fs::path makeFile(const fs::path& path, const std::string& bytes, std::chrono::seconds age) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const auto when = fs::file_time_type::clock::now() - age;
  fs::last_write_time(path, when);
  return path;
}

void makeOld(const fs::path& path) { fs::last_write_time(path, fs::file_time_type::clock::now() - 48h); }

storage::TempSweepOptions options(bool dry_run = false) {
  storage::TempSweepOptions o;
  o.max_age = 24h;
  o.dry_run = dry_run;
  o.now = std::chrono::system_clock::now();
  return o;
}

// The one temp file a file-store writer has open, found by its "<key>" folder.
fs::path onlyTempIn(const fs::path& root) {
  fs::path found;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename().string().rfind(".tmp-", 0) == 0) found = e.path();
  }
  return found;
}

}  // namespace

BOOST_AUTO_TEST_CASE(OldTempFilesOfEachKindGoAndEverythingElseStays) {
  Tree t;
  // Old orphans, one of each kind (names exactly as the writers make them).
  const fs::path store_old = makeFile(t.files / "ab" / "12" / (".tmp-" + kKey + "-Qw3rTy"), "12345", 48h);
  const fs::path batch_old = makeFile(t.sftp / "owners" / "ETAT" / "outbound" / ".b1.xml.partial-aB1cD2", "123", 48h);
  const fs::path report_old = makeFile(t.sftp / "orgs" / "org910000001" / "processed" / ".r.xml.partial-x9Y8z7", "1", 48h);
  const fs::path passwd_old = makeFile(t.sftp / "etc" / ".passwd.partial-Zz0Zz0", "12", 48h);
  const fs::path keys_old = makeFile(t.sftp / "etc" / "authorized_keys" / ".ETAT.partial-Aa1Aa1", "1", 48h);
  const fs::path zip_old = makeFile(t.zips / "push-attachments-Ab3dE9", "1234", 48h);
  const fs::path libzip_old = makeFile(t.zips / "push-attachments-Ab3dE9.x0Y1z2", "12", 48h);
  // What must stay: fresh temp files, real blobs, other files, a client's look-alike in inbound/,
  // and an old temp name reached only through a symlink.
  const fs::path store_fresh = makeFile(t.files / "ab" / "12" / (".tmp-" + kKey + "-Fr3sh1"), "1", 1h);
  const fs::path blob = makeFile(t.files / "ab" / "12" / kKey, "blob", 480h);
  const fs::path other = makeFile(t.files / "ab" / "12" / ".tmp-notours", "x", 48h);
  const fs::path batch_fresh = makeFile(t.sftp / "owners" / "ETAT" / "outbound" / ".b2.xml.partial-aB1cD3", "1", 1h);
  const fs::path delivered = makeFile(t.sftp / "owners" / "ETAT" / "outbound" / "b0.xml", "old batch", 480h);
  const fs::path client = makeFile(t.sftp / "owners" / "ETAT" / "inbound" / ".c.xml.partial-aB1cD4", "c", 48h);
  const fs::path zip_fresh = makeFile(t.zips / "push-attachments-Fr3sh1", "1", 1h);
  const fs::path unrelated = makeFile(t.zips / "zip-test-Ab3dE9", "1", 48h);
  const fs::path hidden = makeFile(t.base / "elsewhere" / ".x.partial-Ab3dE9", "1", 48h);
  fs::create_directory_symlink(t.base / "elsewhere", t.sftp / "owners" / "ETAT" / "failed");

  const storage::TempSweepResult r = storage::sweepTempFiles(t.roots(), options());

  for (const fs::path& gone : {store_old, batch_old, report_old, passwd_old, keys_old, zip_old, libzip_old}) {
    BOOST_TEST(!fs::exists(gone), gone.filename().string() << " should have been swept");
  }
  for (const fs::path& kept : {store_fresh, blob, other, batch_fresh, delivered, client, zip_fresh, unrelated, hidden}) {
    BOOST_TEST(fs::exists(kept), kept.filename().string() << " should have stayed");
  }
  BOOST_TEST(r.file_store.removed == 1);
  BOOST_TEST(r.file_store.bytes == 5);
  BOOST_TEST(r.file_store.kept_fresh == 1);
  BOOST_TEST(r.atomic_files.removed == 4);
  BOOST_TEST(r.atomic_files.bytes == 7);
  BOOST_TEST(r.atomic_files.kept_fresh == 1);
  BOOST_TEST(r.attachment_zips.removed == 2);
  BOOST_TEST(r.attachment_zips.bytes == 6);
  BOOST_TEST(r.removed() == 7);
  BOOST_TEST(r.errors == 0);
}

BOOST_AUTO_TEST_CASE(DryRunRemovesNothing) {
  Tree t;
  const fs::path store_old = makeFile(t.files / "ab" / "12" / (".tmp-" + kKey + "-Qw3rTy"), "12345", 48h);
  const fs::path zip_old = makeFile(t.zips / "push-attachments-Ab3dE9", "1234", 48h);
  const storage::TempSweepResult r = storage::sweepTempFiles(t.roots(), options(/*dry_run=*/true));
  BOOST_TEST(fs::exists(store_old));
  BOOST_TEST(fs::exists(zip_old));
  BOOST_TEST(r.removed() == 2);  // would be removed
  BOOST_TEST(r.bytes() == 9);
}

BOOST_AUTO_TEST_CASE(RealFileStoreTempFilesAreRecognisedAndLiveOnesSurvive) {
  Tree t;
  auto store = persistence::openLocalFileStore(t.files.string());
  BOOST_REQUIRE(store.ok());
  auto kept = store.value()->put("a real blob");
  BOOST_REQUIRE(kept.ok());

  // A live upload: its temp file is fresh, so the sweep leaves it and the upload completes.
  auto live = store.value()->create();
  BOOST_REQUIRE(live.ok());
  BOOST_REQUIRE(live.value()->write("part one ", 9).ok());
  const fs::path live_temp = onlyTempIn(t.files);
  BOOST_REQUIRE(!live_temp.empty());
  storage::sweepTempFiles(t.roots(), options());
  BOOST_TEST(fs::exists(live_temp));
  BOOST_REQUIRE(live.value()->write("part two", 8).ok());
  auto committed = live.value()->commit();
  BOOST_REQUIRE(committed.ok());

  // An upload whose process died: the same kind of file, untouched for longer than max_age.
  auto dead = store.value()->create();
  BOOST_REQUIRE(dead.ok());
  BOOST_REQUIRE(dead.value()->write("never finished", 14).ok());
  const fs::path dead_temp = onlyTempIn(t.files);
  BOOST_REQUIRE(!dead_temp.empty());
  makeOld(dead_temp);
  const auto r = storage::sweepTempFiles(t.roots(), options());
  BOOST_TEST(!fs::exists(dead_temp));
  BOOST_TEST(r.file_store.removed == 1);
  dead.value().reset();  // its own cleanup finds the file gone: harmless

  auto first = store.value()->get(kept->key);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first.value() == "a real blob");
  auto second = store.value()->get(committed->key);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second.value() == "part one part two");
}

namespace {

struct Ctl {
  int code = -1;
  std::string output;
};

Ctl runCtl(const Tree& t, const std::string& args) {
  const std::string command = "GATEWAY_STORAGE_ROOT='" + t.files.string() + "' GATEWAY_SFTP_ENABLED=1 GATEWAY_SFTP_ROOT='" +
                              t.sftp.string() + "' GATEWAY_PUSH_TEMP_DIR='" + t.zips.string() +
                              "' GATEWAY_STORAGE_TEMP_MAX_AGE_HOURS=24 " + GATEWAYCTL_PATH + " " + args + " 2>&1";
  Ctl run;
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(GatewayctlStorageSweep) {
  Tree t;
  const fs::path store_old = makeFile(t.files / "ab" / "12" / (".tmp-" + kKey + "-Qw3rTy"), "12345", 48h);
  const fs::path batch_old = makeFile(t.sftp / "owners" / "ETAT" / "outbound" / ".b1.xml.partial-aB1cD2", "123", 48h);
  const fs::path zip_old = makeFile(t.zips / "push-attachments-Ab3dE9", "1234", 48h);
  const fs::path blob = makeFile(t.files / "ab" / "12" / kKey, "blob", 480h);
  const fs::path fresh = makeFile(t.zips / "push-attachments-Fr3sh1", "1", 1h);

  const Ctl dry = runCtl(t, "storage sweep --dry-run");
  BOOST_TEST(dry.code == 0, dry.output);
  BOOST_TEST(dry.output.find("file store: 1 would be removed (5 bytes)") != std::string::npos, dry.output);
  BOOST_TEST(fs::exists(store_old));
  BOOST_TEST(fs::exists(batch_old));
  BOOST_TEST(fs::exists(zip_old));

  const Ctl real = runCtl(t, "storage sweep");
  BOOST_TEST(real.code == 0, real.output);
  BOOST_TEST(real.output.find("drop area: 1 removed (3 bytes)") != std::string::npos, real.output);
  BOOST_TEST(real.output.find("attachment ZIPs: 1 removed (4 bytes), 1 younger kept") != std::string::npos, real.output);
  BOOST_TEST(!fs::exists(store_old));
  BOOST_TEST(!fs::exists(batch_old));
  BOOST_TEST(!fs::exists(zip_old));
  BOOST_TEST(fs::exists(blob));
  BOOST_TEST(fs::exists(fresh));

  const Ctl wrong = runCtl(t, "storage sweep --force");
  BOOST_TEST(wrong.code == 2, wrong.output);
}
