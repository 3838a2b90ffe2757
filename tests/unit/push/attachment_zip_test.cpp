// buildAttachmentZip / attachmentEntryName (gateway/push/attachment_zip.h): the ZIP is opened again
// with libzip and its entries, names and bytes compared with what went in; the limit and missing
// bytes are refused without a partial archive.
#define BOOST_TEST_MODULE attachment_zip_test
#include <boost/test/unit_test.hpp>
#include <zip.h>

#include <filesystem>
#include <map>

#include "memory_file_store.h"
#include "push/attachment_zip.h"

using namespace gateway;
using gateway::persistence::AttachmentRecord;

namespace {

AttachmentRecord stored(testing::MemoryFileStore& files, persistence::Id id, const std::string& file_name,
                        const std::string& bytes) {
  AttachmentRecord a;
  a.id = id;
  a.name = "attachment " + std::to_string(id);
  a.file_name = file_name;
  a.size = static_cast<std::int64_t>(bytes.size());
  a.storage_key = files.put(bytes).value().key;
  return a;
}

// Every entry of a ZIP held in memory: name -> bytes.
std::map<std::string, std::string> unzip(const std::string& zip_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  BOOST_REQUIRE(source != nullptr);
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  BOOST_REQUIRE_MESSAGE(archive != nullptr, zip_error_strerror(&error));
  std::map<std::string, std::string> entries;
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    BOOST_REQUIRE(zip_stat_index(archive, i, ZIP_FL_ENC_GUESS, &st) == 0);
    std::string bytes(st.size, '\0');
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    BOOST_REQUIRE(file != nullptr);
    BOOST_REQUIRE(zip_fread(file, bytes.data(), st.size) == static_cast<zip_int64_t>(st.size));
    zip_fclose(file);
    entries[st.name] = bytes;
  }
  zip_close(archive);
  zip_error_fini(&error);
  return entries;
}

// The files in the temp folder whose names start with "push-attachments-" (left-overs).
int leftOvers(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("push-attachments-", 0) == 0) ++n;
  }
  return n;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/zip-test-XXXXXX";
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(EntryNamesArePrefixedWithTheIdAndMadeSafe) {
  AttachmentRecord a;
  a.id = 42;
  a.file_name = "Søknad om støtte (Ærlig) å.pdf";
  BOOST_TEST(push::attachmentEntryName(a) == "42_Søknad om støtte (Ærlig) å.pdf");
  a.file_name = "../../etc/passwd";
  BOOST_TEST(push::attachmentEntryName(a) == "42_.._.._etc_passwd");
  a.file_name = "C:\\dir\\a*b?c\"d<e>f|g\x01.txt";
  BOOST_TEST(push::attachmentEntryName(a) == "42_C__dir_a_b_c_d_e_f_g_.txt");
  a.file_name = "";
  BOOST_TEST(push::attachmentEntryName(a) == "42_attachment");
  // Cut to 200 bytes without splitting "ø" (2 bytes): 199 'x' + "ø" would be 201.
  a.file_name = std::string(199, 'x') + "ø";
  BOOST_TEST(push::attachmentEntryName(a) == "42_" + std::string(199, 'x'));
}

BOOST_AUTO_TEST_CASE(NoAttachmentsGiveAnEmptyArray) {
  testing::MemoryFileStore files;
  TempDir dir;
  auto zip = push::buildAttachmentZip(files, {}, 100, dir.path);
  BOOST_REQUIRE(zip.ok());
  BOOST_TEST(zip.value().empty());
}

BOOST_AUTO_TEST_CASE(EveryAttachmentIsAnEntryWithItsBytes) {
  testing::MemoryFileStore files;
  TempDir dir;
  std::string big;
  for (int i = 0; i < 50'000; ++i) big += static_cast<char>((i * 7919) % 251);  // several reads, binary
  const std::vector<AttachmentRecord> attachments = {
      stored(files, 7, "skattemelding.xml", "<a>æøå</a>"),
      stored(files, 8, "Bilde av båt.bin", big),
      stored(files, 9, "tom.txt", ""),
  };
  auto zip = push::buildAttachmentZip(files, attachments, 1 << 20, dir.path);
  BOOST_REQUIRE_MESSAGE(zip.ok(), zip.status().message());
  BOOST_TEST(zip.value().substr(0, 4) == std::string("PK\x03\x04"));
  const auto entries = unzip(zip.value());
  BOOST_REQUIRE(entries.size() == 3u);
  BOOST_TEST(entries.at("7_skattemelding.xml") == "<a>æøå</a>");
  BOOST_TEST(entries.at("8_Bilde av båt.bin") == big);
  BOOST_TEST(entries.at("9_tom.txt") == "");
  BOOST_TEST(leftOvers(dir.path) == 0);
}

BOOST_AUTO_TEST_CASE(MoreThanTheLimitIsRefusedWithoutReadingAnything) {
  testing::MemoryFileStore files;
  TempDir dir;
  const std::vector<AttachmentRecord> attachments = {stored(files, 1, "a", std::string(60, 'a')),
                                                     stored(files, 2, "b", std::string(41, 'b'))};
  auto zip = push::buildAttachmentZip(files, attachments, 100, dir.path);
  BOOST_TEST((zip.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(zip.status().message().find("101 bytes") != std::string::npos);
  BOOST_TEST(push::buildAttachmentZip(files, attachments, 101, dir.path).ok());
  BOOST_TEST(leftOvers(dir.path) == 0);
}

BOOST_AUTO_TEST_CASE(MissingOrShortBytesFailTheWholeArchive) {
  testing::MemoryFileStore files;
  TempDir dir;
  AttachmentRecord present = stored(files, 1, "a", "abc");
  AttachmentRecord missing = present;
  missing.id = 2;
  missing.storage_key = "gone";
  auto zip = push::buildAttachmentZip(files, {present, missing}, 100, dir.path);
  BOOST_TEST((zip.status().code() == StatusCode::kNotFound));

  AttachmentRecord wrong_size = present;
  wrong_size.size = 2;  // the record says 2, the store has 3
  zip = push::buildAttachmentZip(files, {wrong_size}, 100, dir.path);
  BOOST_TEST((zip.status().code() == StatusCode::kInternal));
  wrong_size.size = 4;
  zip = push::buildAttachmentZip(files, {wrong_size}, 100, dir.path);
  BOOST_TEST((zip.status().code() == StatusCode::kInternal));
  BOOST_TEST(leftOvers(dir.path) == 0);
}
