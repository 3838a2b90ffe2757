// Atomic file writes (gateway/sftp/atomic_file.h).
#define BOOST_TEST_MODULE atomic_file_test
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "scratch_dir.h"
#include "sftp/atomic_file.h"

using namespace gateway;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(AtomicFile)

BOOST_AUTO_TEST_CASE(WritesTheBytesWithTheModeAndLeavesNoTemporaryFile) {
  testing::ScratchDir dir;
  BOOST_REQUIRE(sftp::writeFileAtomically(dir.path(), "a.xml", std::string("æøå\0x", 8), 0640, std::nullopt).ok());
  BOOST_TEST(slurp(dir.path() / "a.xml") == std::string("æøå\0x", 8));
  struct stat st {};
  BOOST_REQUIRE(::stat((dir.path() / "a.xml").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0640u);
  BOOST_TEST(entries(dir.path()) == 1u);
}

BOOST_AUTO_TEST_CASE(ReplacesAnExistingFile) {
  testing::ScratchDir dir;
  BOOST_REQUIRE(sftp::writeFileAtomically(dir.path(), "a.xml", "first, longer", 0644, std::nullopt).ok());
  BOOST_REQUIRE(sftp::writeFileAtomically(dir.path(), "a.xml", "second", 0644, std::nullopt).ok());
  BOOST_TEST(slurp(dir.path() / "a.xml") == "second");
}

BOOST_AUTO_TEST_CASE(ReplacesAPlantedSymlinkInsteadOfWritingThroughIt) {
  testing::ScratchDir dir;
  std::ofstream(dir.path() / "victim") << "keep me";
  fs::create_symlink(dir.path() / "victim", dir.path() / "report.txt");
  BOOST_REQUIRE(sftp::writeFileAtomically(dir.path(), "report.txt", "report", 0644, std::nullopt).ok());
  BOOST_TEST(slurp(dir.path() / "victim") == "keep me");
  BOOST_TEST(!fs::is_symlink(dir.path() / "report.txt"));
  BOOST_TEST(slurp(dir.path() / "report.txt") == "report");
}

BOOST_AUTO_TEST_CASE(ChownsToTheOwnerWhenRunningAsRoot) {
  if (::geteuid() != 0) {
    BOOST_TEST_MESSAGE("skipped: chown needs root");
    return;
  }
  testing::ScratchDir dir;
  BOOST_REQUIRE(sftp::writeFileAtomically(dir.path(), "a.xml", "x", 0640, sftp::FileOwner{61234, 61235}).ok());
  struct stat st {};
  BOOST_REQUIRE(::stat((dir.path() / "a.xml").c_str(), &st) == 0);
  BOOST_TEST(st.st_uid == 61234u);
  BOOST_TEST(st.st_gid == 61235u);
}

BOOST_AUTO_TEST_CASE(RefusesNamesThatAreNotPlain) {
  testing::ScratchDir dir;
  for (const char* name : {"", ".hidden", "../escape", "a/b"}) {
    BOOST_TEST(sftp::writeFileAtomically(dir.path(), name, "x", 0644, std::nullopt).code() ==
               StatusCode::kInvalidArgument);
  }
  BOOST_TEST(entries(dir.path()) == 0u);
}

BOOST_AUTO_TEST_CASE(MissingFolderIsUnavailable) {
  testing::ScratchDir dir;
  BOOST_TEST(sftp::writeFileAtomically(dir.path() / "absent", "a", "x", 0644, std::nullopt).code() ==
             StatusCode::kUnavailable);
}

BOOST_AUTO_TEST_CASE(CopiesFromADescriptor) {
  testing::ScratchDir dir;
  std::ofstream(dir.path() / "source") << std::string(200000, 'z');
  int fd = ::open((dir.path() / "source").c_str(), O_RDONLY);
  BOOST_REQUIRE(fd >= 0);
  BOOST_TEST(sftp::copyFileAtomically(dir.path(), "copy", fd, 0600, std::nullopt).ok());
  ::close(fd);
  BOOST_TEST(slurp(dir.path() / "copy") == std::string(200000, 'z'));
}

BOOST_AUTO_TEST_SUITE_END()
