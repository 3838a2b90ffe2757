// The drop area's layout, accounts and authorized keys (gateway/sftp/drop_area.h).
#define BOOST_TEST_MODULE drop_area_test
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "scratch_dir.h"
#include "sftp/drop_area.h"

using namespace gateway;
namespace fs = std::filesystem;

namespace {

// Made with ssh-keygen -t ed25519; its fingerprint as `ssh-keygen -l` prints it.
const std::string kKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrVcj3/m7VU5JN2u6MzGyXC2Vh2a19EMccA8CBp5rH2 etat@test";
const std::string kFingerprint = "SHA256:u98qZLrX4TGj3s7y+QvNAk7peGsHGl/+/npRRKQICDg";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DropArea)

BOOST_AUTO_TEST_CASE(ProvisionMakesAChrootPerOwnerAndTheAccountFiles) {
  testing::ScratchDir dir;
  auto area = sftp::DropArea::create((dir.path() / "drop").string(), 61000);
  BOOST_REQUIRE_MESSAGE(area.ok(), area.status().message());
  BOOST_REQUIRE(area->provision({{4, "ETAT"}, {7, "ETAT2"}}).ok());
  for (const char* code : {"ETAT", "ETAT2"}) {
    struct stat st {};
    BOOST_REQUIRE(::stat(area->ownerRoot(code).c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0755u);
    BOOST_TEST(st.st_uid == (::geteuid() == 0 ? 0u : ::geteuid()));
    for (auto f : {sftp::Folder::kInbound, sftp::Folder::kOutbound, sftp::Folder::kProcessed, sftp::Folder::kFailed}) {
      BOOST_REQUIRE(::stat(area->folder(code, f).c_str(), &st) == 0);
      BOOST_TEST((st.st_mode & 0777) == 0750u);
    }
  }
  if (::geteuid() == 0) {
    struct stat st {};
    BOOST_REQUIRE(::stat(area->folder("ETAT2", sftp::Folder::kInbound).c_str(), &st) == 0);
    BOOST_TEST(st.st_uid == 61007u);
  }
  const std::string passwd = slurp(area->passwdFile());
  BOOST_TEST(passwd.find("root:x:0:0:") == 0u);
  BOOST_TEST(passwd.find("\nsshd:x:") != std::string::npos);
  BOOST_TEST(passwd.find("\nETAT:x:61004:61004:") != std::string::npos);
  BOOST_TEST(passwd.find("\nETAT2:x:61007:61007:") != std::string::npos);
  BOOST_TEST(slurp(area->groupFile()).find("ETAT2:x:61007:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ProvisionSkipsUnusableCodesAndSaysSo) {
  testing::ScratchDir dir;
  auto area = sftp::DropArea::create((dir.path() / "drop").string(), 61000);
  BOOST_REQUIRE(area.ok());
  Status s = area->provision({{1, "root"}, {2, "GOOD"}, {3, "bad/../name"}});
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(fs::is_directory(area->ownerRoot("GOOD")));
  BOOST_TEST(slurp(area->passwdFile()).find("root:x:61001") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(BrokerOrganisationsGetAccountsOfTheirOwnUnderOrgs) {
  testing::ScratchDir dir;
  auto area = sftp::DropArea::create((dir.path() / "drop").string(), 61000);
  BOOST_REQUIRE(area.ok());
  BOOST_REQUIRE(area->registerOrganisation("920000002", "sys-a").ok());
  BOOST_REQUIRE(area->registerOrganisation("920000010", "sys-b").ok());
  BOOST_REQUIRE(area->registerOrganisation("920000002", "sys-a2").ok());  // again: another system, same number
  BOOST_TEST(area->registerOrganisation("92000001", "x").code() == StatusCode::kInvalidArgument);
  BOOST_TEST(area->registerOrganisation("920000010", "bad name").code() == StatusCode::kInvalidArgument);
  auto orgs = area->organisations();
  BOOST_REQUIRE(orgs.ok());
  BOOST_REQUIRE_EQUAL(orgs->size(), 2u);
  BOOST_TEST(orgs->at(0).system == "sys-a2");
  BOOST_TEST(orgs->at(0).number == 1);
  BOOST_TEST(orgs->at(1).number == 2);

  // An owner code that looks like an organisation account is reserved.
  Status s = area->provision({{4, "ETAT"}, {5, "org920000010"}});
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
  const sftp::SftpAccount b = orgs->at(1).account();
  BOOST_TEST(b.owner_code == "org920000010");
  BOOST_TEST(area->accountRoot(b) == area->root() / "orgs" / "org920000010");
  for (auto f : {sftp::Folder::kInbound, sftp::Folder::kOutbound, sftp::Folder::kProcessed, sftp::Folder::kFailed}) {
    struct stat st {};
    BOOST_REQUIRE(::stat(area->folder(b, f).c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0750u);
    if (::geteuid() == 0) BOOST_TEST(st.st_uid == 61000u + 1000000u + 2u);
  }
  const std::string passwd = slurp(area->passwdFile());
  BOOST_TEST(passwd.find("\norg920000010:x:1061002:1061002:") != std::string::npos);
  BOOST_TEST(passwd.find("\norg920000010:x:61005") == std::string::npos);  // not as an owner
  BOOST_TEST(slurp(area->groupFile()).find("\nsftp-orgs:x:1061000:org920000002,org920000010\n") != std::string::npos);
  BOOST_TEST(fs::is_directory(area->ownerRoot("ETAT")));
}

BOOST_AUTO_TEST_CASE(ARemovedOrganisationLosesKeysAndAccountAndKeepsItsFoldersUnlessPurged) {
  testing::ScratchDir dir;
  auto area = sftp::DropArea::create((dir.path() / "drop").string(), 61000);
  BOOST_REQUIRE(area.ok());
  for (const char* org : {"920000002", "920000010", "920000029"}) {
    BOOST_REQUIRE(area->registerOrganisation(org, std::string("sys-") + org).ok());
    BOOST_REQUIRE(area->addKey(std::string("org") + org, kKey).ok());
  }
  BOOST_REQUIRE(area->provision({{4, "ETAT"}}).ok());
  const sftp::SftpAccount a = area->organisations()->at(0).account();
  std::ofstream(area->folder(a, sftp::Folder::kOutbound) / "given.zip") << "bytes";
  const fs::path markers = area->root() / "etc" / "broker-delivered" / "org920000002";
  fs::create_directories(markers);

  BOOST_REQUIRE(area->unregisterOrganisation("920000002", false).ok());
  BOOST_REQUIRE(area->provision({{4, "ETAT"}}).ok());
  auto orgs = area->organisations();
  BOOST_REQUIRE(orgs.ok());
  BOOST_REQUIRE_EQUAL(orgs->size(), 2u);
  BOOST_TEST(orgs->at(0).org_number == "920000010");
  BOOST_TEST(!fs::exists(area->authorizedKeysFile("org920000002")));
  BOOST_TEST(area->keys("org920000010")->size() == 1u);  // the others keep theirs
  const std::string passwd = slurp(area->passwdFile());
  BOOST_TEST(passwd.find("org920000002:") == std::string::npos);
  BOOST_TEST(passwd.find("\norg920000010:x:1061002:") != std::string::npos);
  BOOST_TEST(passwd.find("\nETAT:x:61004:") != std::string::npos);
  BOOST_TEST(slurp(area->groupFile()).find("\nsftp-orgs:x:1061000:org920000010,org920000029\n") != std::string::npos);
  BOOST_TEST(fs::exists(area->folder(a, sftp::Folder::kOutbound) / "given.zip"));  // kept without --purge
  BOOST_TEST(fs::is_directory(markers));
  BOOST_TEST(area->unregisterOrganisation("920000002", false).code() == StatusCode::kNotFound);  // gone already
  BOOST_TEST(area->unregisterOrganisation("920000037", false).code() == StatusCode::kNotFound);
  BOOST_TEST(area->unregisterOrganisation("9200", true).code() == StatusCode::kInvalidArgument);

  // Its number stays reserved: a new organisation gets another, and it gets its own back.
  BOOST_REQUIRE(area->registerOrganisation("920000037", "sys-d").ok());
  BOOST_TEST(area->organisations()->back().number == 4);
  BOOST_REQUIRE(area->registerOrganisation("920000002", "sys-a").ok());
  BOOST_TEST(area->organisations()->at(0).number == 1);

  // --purge: the chroot and the delivery record go too, and the number is free again.
  BOOST_REQUIRE(area->unregisterOrganisation("920000002", true).ok());
  BOOST_TEST(!fs::exists(area->accountRoot(a)));
  BOOST_TEST(!fs::exists(markers));
  BOOST_TEST(slurp(area->root() / "etc" / "broker-orgs").find("920000002") == std::string::npos);
  BOOST_TEST(fs::is_directory(area->accountRoot(area->organisations()->at(0).account())));
  // A removed organisation's folders can still be purged later.
  BOOST_REQUIRE(area->unregisterOrganisation("920000010", false).ok());
  BOOST_REQUIRE(area->unregisterOrganisation("920000010", true).ok());
  BOOST_TEST(!fs::exists(area->root() / "orgs" / "org920000010"));
}

BOOST_AUTO_TEST_CASE(RelativeRootIsRefused) {
  BOOST_TEST(sftp::DropArea::create("relative/drop", 61000).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(RootUnderAWorldWritableFolderIsRefusedWhenRunningAsRoot) {
  if (::geteuid() != 0) {
    BOOST_TEST_MESSAGE("skipped: the chroot path rule is only checked as root");
    return;
  }
  auto area = sftp::DropArea::create("/tmp/gateway-drop-area-test-" + std::to_string(::getpid()), 61000);
  BOOST_TEST(area.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(area.status().message().find("/tmp") != std::string::npos);
  std::error_code ec;
  fs::remove_all("/tmp/gateway-drop-area-test-" + std::to_string(::getpid()), ec);
}

BOOST_AUTO_TEST_CASE(KeysAreAddedOnceListedWithFingerprintAndRemoved) {
  testing::ScratchDir dir;
  auto area = sftp::DropArea::create((dir.path() / "drop").string(), 61000);
  BOOST_REQUIRE(area.ok());
  BOOST_REQUIRE(area->addKey("ETAT", kKey).ok());
  BOOST_REQUIRE(area->addKey("ETAT", kKey + "\n").ok());
  auto keys = area->keys("ETAT");
  BOOST_REQUIRE(keys.ok());
  BOOST_REQUIRE(keys->size() == 1u);
  BOOST_TEST(keys->front().fingerprint == kFingerprint);
  BOOST_TEST(keys->front().comment == "etat@test");
  BOOST_TEST(slurp(area->authorizedKeysFile("ETAT")).find(kKey + "\n") != std::string::npos);
  BOOST_TEST(area->keys("ETAT2")->empty());
  BOOST_TEST(area->removeKey("ETAT2", kFingerprint).code() == StatusCode::kNotFound);
  BOOST_TEST(area->removeKey("ETAT", kFingerprint).ok());
  BOOST_TEST(area->keys("ETAT")->empty());
}

BOOST_AUTO_TEST_CASE(OnlyPlainPublicKeysAreAccepted) {
  BOOST_TEST(sftp::DropArea::parseKey(kKey).ok());
  for (const std::string& bad : {std::string("command=\"/bin/sh\" ") + kKey, std::string("ssh-ed25519 notbase64!"),
                                 std::string("ssh-rsa ") + kKey.substr(12),  // blob says ed25519
                                 std::string("-----BEGIN OPENSSH PRIVATE KEY-----"), std::string("")}) {
    BOOST_TEST(sftp::DropArea::parseKey(bad).status().code() == StatusCode::kInvalidArgument, bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
