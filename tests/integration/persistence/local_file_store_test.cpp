// openLocalFileStore (persistence/mysql/local_file_store.cpp) on the real filesystem.
#define BOOST_TEST_MODULE local_file_store_test
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "persistence/database.h"

namespace gateway {
inline std::ostream& boost_test_print_type(std::ostream& out, StatusCode code) {
  return out << "StatusCode(" << static_cast<int>(code) << ")";
}
}  // namespace gateway

using namespace gateway;
using namespace gateway::persistence;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
  fs::path path = fs::temp_directory_path() /
                  ("gwfiles_" + std::to_string(::getpid()) + "_" + std::to_string(std::random_device{}()));
  ~TempRoot() { fs::remove_all(path); }
};

std::vector<fs::path> allFiles(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  return files;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(LocalFileStore)

BOOST_AUTO_TEST_CASE(PutGetRemoveRoundTrip) {
  TempRoot root;
  auto store = openLocalFileStore((root.path / "a" / "b").string());  // created with parents
  BOOST_REQUIRE_MESSAGE(store.ok(), store.status().message());
  std::string bytes("binary\0data\xff", 12);
  auto blob = store.value()->put(bytes);
  BOOST_REQUIRE_MESSAGE(blob.ok(), blob.status().message());
  BOOST_TEST(blob->size == 12);
  BOOST_TEST(std::regex_match(blob->key, std::regex("[0-9a-f]{32}")));
  auto read = store.value()->get(blob->key);
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(read.value() == bytes);

  // Two-level fan-out: <root>/<k0k1>/<k2k3>/<key>
  fs::path expected = root.path / "a" / "b" / blob->key.substr(0, 2) / blob->key.substr(2, 2) / blob->key;
  BOOST_TEST(fs::exists(expected));

  BOOST_TEST(store.value()->remove(blob->key).ok());
  BOOST_TEST(store.value()->get(blob->key).status().code() == StatusCode::kNotFound);
  BOOST_TEST(store.value()->remove(blob->key).code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(Sha256IsOfTheBytes) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  auto abc = store.value()->put("abc");
  BOOST_REQUIRE(abc.ok());
  BOOST_TEST(abc->sha256_hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto empty = store.value()->put("");
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->size == 0);
  BOOST_TEST(empty->sha256_hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(store.value()->get(empty->key).value().empty());
}

BOOST_AUTO_TEST_CASE(StreamedWriteCommitsAndReadsBackInPieces) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  auto writer = store.value()->create();
  BOOST_REQUIRE(writer.ok());
  BOOST_TEST(writer.value()->write("a", 1).ok());
  BOOST_TEST(writer.value()->write("bc", 2).ok());
  BOOST_TEST(writer.value()->size() == 3);
  BOOST_TEST(allFiles(root.path).size() == 1u);  // the temp file, not yet visible under a key
  auto blob = writer.value()->commit();
  BOOST_REQUIRE_MESSAGE(blob.ok(), blob.status().message());
  BOOST_TEST(blob->sha256_hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(blob->size == 3);
  BOOST_TEST(store.value()->get(blob->key).value() == "abc");
  BOOST_TEST(writer.value()->commit().status().code() == StatusCode::kUnavailable);  // only once
  writer.value().reset();  // a committed blob outlives its writer
  auto reader = store.value()->open(blob->key);
  BOOST_REQUIRE(reader.ok());
  BOOST_TEST(reader.value()->size() == 3);
  char buffer[2];
  std::string read;
  for (;;) {
    auto n = reader.value()->read(buffer, sizeof buffer);
    BOOST_REQUIRE(n.ok());
    if (n.value() == 0) break;
    read.append(buffer, n.value());
  }
  BOOST_TEST(read == "abc");
  BOOST_TEST(store.value()->open("00000000000000000000000000000000").status().code() == StatusCode::kNotFound);
  BOOST_TEST(store.value()->open("../etc/passwd").status().code() == StatusCode::kNotFound);
}

// Reads of every size, mixed, across the edges of the reader's pieces, give back every byte once and
// in order.
BOOST_AUTO_TEST_CASE(SmallAndLargeReadsMixedGiveBackEveryByteInOrder) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  std::string bytes(300 * 1000 + 7, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131 + i / 997) & 0xFF);
  auto blob = store.value()->put(bytes);
  BOOST_REQUIRE(blob.ok());
  auto reader = store.value()->open(blob->key);
  BOOST_REQUIRE(reader.ok());
  const std::size_t sizes[] = {2048, 1, 70000, 2048, 65536, 3000, 200000};
  std::vector<char> buffer(200000);
  std::string read;
  for (std::size_t round = 0;; ++round) {
    auto n = reader.value()->read(buffer.data(), sizes[round % std::size(sizes)]);
    BOOST_REQUIRE(n.ok());
    if (n.value() == 0) break;
    BOOST_REQUIRE(n.value() <= sizes[round % std::size(sizes)]);
    read.append(buffer.data(), n.value());
  }
  BOOST_TEST(read.size() == bytes.size());
  BOOST_TEST((read == bytes));
}

BOOST_AUTO_TEST_CASE(AnAbandonedStreamedWriteLeavesNoFile) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  {
    auto writer = store.value()->create();
    BOOST_REQUIRE(writer.ok());
    BOOST_TEST(writer.value()->write("partial", 7).ok());
    BOOST_TEST(allFiles(root.path).size() == 1u);
  }
  BOOST_TEST(allFiles(root.path).empty());
}

BOOST_AUTO_TEST_CASE(KeysAreUniqueAndNoTempFilesRemain) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  std::set<std::string> keys;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto blob = store.value()->put(std::string(1000 + i, static_cast<char>('a' + t)));
        BOOST_REQUIRE(blob.ok());
        std::lock_guard<std::mutex> lock(mu);
        keys.insert(blob->key);
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(keys.size() == 100u);
  auto files = allFiles(root.path);
  BOOST_TEST(files.size() == 100u);
  for (const auto& f : files) BOOST_TEST(f.filename().string().find(".tmp") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(LargeBlob) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  std::string bytes(8 * 1024 * 1024, '\0');
  std::mt19937 rng(7);
  for (auto& c : bytes) c = static_cast<char>(rng());
  auto blob = store.value()->put(bytes);
  BOOST_REQUIRE(blob.ok());
  BOOST_TEST((store.value()->get(blob->key).value() == bytes));
}

// Large blobs go through two aligned buffers, an IoLane and (where the filesystem allows) O_DIRECT;
// small ones through the page cache. Sizes around the buffer's edge, with and without O_DIRECT, on
// the test folder's filesystem and on tmpfs: every byte comes back, and the hash is put()'s.
namespace {
constexpr std::size_t kBuffer = 8192;  // small, so that a few KB cross many buffer edges
const std::size_t kSizes[] = {1, kBuffer - 1, kBuffer, kBuffer + 1, 5 * kBuffer, 5 * kBuffer + 4096, 7 * kBuffer + 123};

std::string patterned(std::size_t size) {
  std::string bytes(size, '\0');
  std::mt19937 rng(static_cast<unsigned>(size));
  for (auto& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

void roundTrip(const fs::path& root, bool direct_io, std::size_t size) {
  FileStoreOptions options;
  options.direct_io = direct_io;
  options.io_buffer_bytes = kBuffer;
  auto store = openLocalFileStore(root.string(), options);
  BOOST_REQUIRE(store.ok());
  const std::string bytes = patterned(size);
  auto writer = store.value()->create();
  BOOST_REQUIRE(writer.ok());
  for (std::size_t at = 0; at < bytes.size(); at += 3000) {  // pieces that never line up with a buffer
    BOOST_REQUIRE(writer.value()->write(bytes.data() + at, std::min<std::size_t>(3000, bytes.size() - at)).ok());
  }
  auto blob = writer.value()->commit();
  BOOST_REQUIRE_MESSAGE(blob.ok(), blob.status().message());
  auto reference = store.value()->put(bytes);
  BOOST_REQUIRE(reference.ok());
  BOOST_TEST(blob->sha256_hex == reference->sha256_hex);
  BOOST_TEST(blob->size == static_cast<std::int64_t>(size));
  BOOST_TEST((store.value()->get(blob->key).value() == bytes));
  auto reader = store.value()->open(blob->key);
  BOOST_REQUIRE(reader.ok());
  std::string read;
  std::vector<char> piece(5000);
  for (;;) {
    auto n = reader.value()->read(piece.data(), piece.size());
    BOOST_REQUIRE_MESSAGE(n.ok(), n.status().message());
    if (n.value() == 0) break;
    read.append(piece.data(), n.value());
  }
  BOOST_TEST(read.size() == bytes.size());
  BOOST_TEST((read == bytes));
  for (const auto& f : allFiles(root)) BOOST_TEST(f.filename().string().find(".tmp") == std::string::npos);
}
}  // namespace

BOOST_DATA_TEST_CASE(LargeAndSmallBlobsRoundTripWithAndWithoutDirectIo,
                     boost::unit_test::data::make({true, false}) * boost::unit_test::data::make(kSizes), direct_io, size) {
  TempRoot root;
  roundTrip(root.path, direct_io, size);
}

BOOST_DATA_TEST_CASE(LargeBlobsRoundTripOnTmpfs, boost::unit_test::data::make(kSizes), size) {
  if (!fs::is_directory("/dev/shm")) {
    BOOST_TEST_MESSAGE("skipped: no /dev/shm");
    return;
  }
  const fs::path root = fs::path("/dev/shm") / ("gwfiles_" + std::to_string(::getpid()));
  roundTrip(root, true, size);
  fs::remove_all(root);
}

BOOST_AUTO_TEST_CASE(AnAbandonedLargeWriteLeavesNoFile) {
  TempRoot root;
  FileStoreOptions options;
  options.io_buffer_bytes = kBuffer;
  auto store = openLocalFileStore(root.path.string(), options);
  BOOST_REQUIRE(store.ok());
  {
    auto writer = store.value()->create();
    BOOST_REQUIRE(writer.ok());
    const std::string bytes = patterned(10 * kBuffer + 5);
    BOOST_TEST(writer.value()->write(bytes.data(), bytes.size()).ok());
    BOOST_TEST(allFiles(root.path).size() == 1u);
  }
  BOOST_TEST(allFiles(root.path).empty());
}

BOOST_AUTO_TEST_CASE(RefusesAnIoBufferThatIsNotAWholeNumberOfBlocks) {
  TempRoot root;
  FileStoreOptions options;
  options.io_buffer_bytes = 5000;
  BOOST_TEST(openLocalFileStore(root.path.string(), options).status().code() == StatusCode::kInvalidArgument);
  options.io_buffer_bytes = 0;
  BOOST_TEST(openLocalFileStore(root.path.string(), options).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(MalformedKeysNeverReachTheFilesystem) {
  TempRoot root;
  auto store = openLocalFileStore(root.path.string());
  BOOST_REQUIRE(store.ok());
  for (const std::string& key : std::vector<std::string>{"", "../../../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF",
                                "0123456789abcdef0123456789abcde/", std::string(32, '.')}) {
    BOOST_TEST(store.value()->get(key).status().code() == StatusCode::kNotFound);
    BOOST_TEST(store.value()->remove(key).code() == StatusCode::kNotFound);
  }
}

BOOST_AUTO_TEST_CASE(RootMustBeAFolder) {
  TempRoot root;
  fs::create_directories(root.path);
  std::ofstream(root.path / "file") << "x";
  BOOST_TEST(!openLocalFileStore((root.path / "file").string()).ok());
  BOOST_TEST(openLocalFileStore("").status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
