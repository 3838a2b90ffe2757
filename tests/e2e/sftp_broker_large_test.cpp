// More than 1 GiB through the broker over SFTP, end to end: organisation S drops a stored ZIP with a
// 1.1 GB payload (built on the fly, never held in memory) into inbound/ with the real `sftp` client;
// the gateway streams it into its file store; recipient T finds it in outbound/ and fetches it with
// `sftp`. The SHA-256 of the ZIP is compared at both ends (and with the one the gateway recorded),
// gatewayd's RSS growth stays under 64 MB (as for the 1 GB SOAP transfer), and afterwards nothing of
// it is left on disk: the client copies, processed/ and outbound/ (T deletes it, which confirms it)
// and the file store (the retention job, once its period is made to end).
//
// Needs root (sshd chroots; otherwise "skipped: SFTP needs root") and 5.5 GB free where the build and
// the gateway's file store are (otherwise "skipped: ... free").
#define BOOST_TEST_MODULE e2e_sftp_broker_large
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "broker_sftp.h"
#include "gateway_under_test.h"
#include "streamed_attachments.h"
#include "waiting.h"

using namespace gateway::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kService = "5300";
constexpr const char* kOrgS = "920000002";  // sender, Write
constexpr const char* kOrgT = "920000010";  // recipient, Read
constexpr std::uint64_t kPayloadBytes = 1100ull * 1000 * 1000;  // 1.1 GB > 1 GiB, SOAP's limit
constexpr long kMaxRssGrowthKb = 64 * 1024;
// The ZIP exists up to three times at once (client copy, drop area, file store; the test deletes each
// copy once it is not needed), plus room to spare.
constexpr std::uintmax_t kFreeBytesNeeded = 5 * kPayloadBytes;

struct Global {
  BrokerSftpEnvironment env{
      "sftp-broker-large", "broker.retention_interval_seconds = 1\n",  // SOAP and SFTP limits: the defaults
      [](GatewayUnderTest& gw) {
        if (gw.gatewayctl(std::string("service add --owner ETAT --code ") + kService +
                          " --edition 1 --name 'Store filer over SFTP' --format 1:1 --kind BrokerService") != 0) {
          throw std::runtime_error("gatewayctl service add failed");
        }
        gw.sql(std::string("INSERT INTO service_right (service_id, reportee, access, `condition`, valid_to) "
                           "SELECT id, r.p, r.a, '', '2099-01-01' FROM service, (SELECT '") +
               kOrgS + "' p, 'Write' a UNION SELECT '" +
               kOrgT + "', 'Read') r WHERE code = '" + kService + "'");
      },
      {{kOrgS, ""}, {kOrgT, ""}}};
  Global() { g_env = &env; }
  ~Global() { g_env = nullptr; }
  static BrokerSftpEnvironment* g_env;
};
BrokerSftpEnvironment* Global::g_env = nullptr;
BOOST_TEST_GLOBAL_FIXTURE(Global);

BrokerSftpEnvironment& env() { return *Global::g_env; }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string sql(const std::string& statement) { return trimmed(gatewayUnderTest().sql(statement)); }

// `value` as `bytes` little-endian bytes (ZIP's byte order).
void le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

struct ZipEntry {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
};

// A local file header (stored, sizes and CRC in the header: no data descriptor, no ZIP64).
std::string localHeader(const ZipEntry& e) {
  std::string h;
  le(h, 0x04034b50, 4);
  le(h, 20, 2);       // version needed
  le(h, 0, 2);        // flags
  le(h, 0, 2);        // stored
  le(h, 0, 2);        // time
  le(h, 0x21, 2);     // date: 1980-01-01
  le(h, e.crc, 4);
  le(h, e.size, 4);   // compressed
  le(h, e.size, 4);   // uncompressed
  le(h, e.name.size(), 2);
  le(h, 0, 2);        // extra
  return h + e.name;
}

std::string centralDirectory(const std::vector<ZipEntry>& entries, std::uint64_t at) {
  std::string cd;
  for (const auto& e : entries) {
    le(cd, 0x02014b50, 4);
    le(cd, 20, 2);  // made by
    le(cd, 20, 2);  // needed
    le(cd, 0, 2);
    le(cd, 0, 2);
    le(cd, 0, 2);
    le(cd, 0x21, 2);
    le(cd, e.crc, 4);
    le(cd, e.size, 4);
    le(cd, e.size, 4);
    le(cd, e.name.size(), 2);
    le(cd, 0, 2);   // extra
    le(cd, 0, 2);   // comment
    le(cd, 0, 2);   // disk
    le(cd, 0, 2);   // internal attributes
    le(cd, 0, 4);   // external attributes
    le(cd, e.offset, 4);
    cd += e.name;
  }
  const std::uint64_t size = cd.size();
  le(cd, 0x06054b50, 4);
  le(cd, 0, 2);
  le(cd, 0, 2);
  le(cd, entries.size(), 2);
  le(cd, entries.size(), 2);
  le(cd, size, 4);
  le(cd, at, 4);
  le(cd, 0, 2);
  return cd;
}

// The payload: `total` pseudo-random bytes on demand, the AES-128-CTR key stream of a key made from
// `seed` (fast even in a Debug build: OpenSSL does the work).
class Payload {
 public:
  Payload(std::uint64_t total, std::uint64_t seed) : left_(total), ctx_(EVP_CIPHER_CTX_new()) {
    unsigned char key[16] = {};
    unsigned char iv[16] = {};
    std::memcpy(key, &seed, sizeof seed);
    if (ctx_ == nullptr || EVP_EncryptInit_ex(ctx_, EVP_aes_128_ctr(), nullptr, key, iv) != 1) {
      throw std::runtime_error("AES-128-CTR is not available");
    }
  }
  ~Payload() { EVP_CIPHER_CTX_free(ctx_); }
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;
  std::size_t fill(char* buffer, std::size_t capacity) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, left_));
    auto* bytes = reinterpret_cast<unsigned char*>(buffer);
    std::memset(bytes, 0, n);
    int written = 0;
    if (n > 0 && EVP_EncryptUpdate(ctx_, bytes, &written, bytes, static_cast<int>(n)) != 1) {
      throw std::runtime_error("AES-128-CTR failed");
    }
    left_ -= n;
    return n;
  }

 private:
  std::uint64_t left_;
  EVP_CIPHER_CTX* ctx_;
};

// ZIP's CRC-32 (zlib's).
std::uint32_t crc32Of(std::uint32_t crc, const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

// Writes a stored ZIP (manifest.xml, recipients.xml, then payload.bin: `size` bytes of Payload(seed))
// to `path` in 1 MiB pieces, never holding the payload; returns the SHA-256 of the file. The payload
// is made twice: once for its CRC (needed in its header, before it), once to write it.
std::string writeLargeBrokerZip(const fs::path& path, const std::string& manifest, const std::string& recipients,
                                std::uint64_t size, std::uint64_t seed) {
  std::vector<char> piece(1 << 20);
  std::uint32_t payload_crc = 0;
  Payload first(size, seed);
  for (std::size_t n; (n = first.fill(piece.data(), piece.size())) > 0;) {
    payload_crc = crc32Of(payload_crc, piece.data(), n);
  }

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  Sha256 sha;
  std::uint64_t at = 0;
  auto put = [&](const char* data, std::size_t n) {
    out.write(data, static_cast<std::streamsize>(n));
    sha.add(data, n);
    at += n;
  };
  std::vector<ZipEntry> entries;
  for (const auto& [name, text] : {std::pair{"manifest.xml", &manifest}, std::pair{"recipients.xml", &recipients}}) {
    entries.push_back({name, crc32Of(0, text->data(), text->size()), text->size(), at});
    const std::string bytes = localHeader(entries.back()) + *text;
    put(bytes.data(), bytes.size());
  }
  entries.push_back({"payload.bin", payload_crc, size, at});
  const std::string header = localHeader(entries.back());
  put(header.data(), header.size());
  Payload second(size, seed);
  for (std::size_t n; (n = second.fill(piece.data(), piece.size())) > 0;) put(piece.data(), n);
  const std::string tail = centralDirectory(entries, at);
  put(tail.data(), tail.size());
  out.close();
  if (!out) throw std::runtime_error("writing " + path.string() + " failed");
  return sha.hex();
}

// SHA-256 and size of a file, read in 1 MiB pieces.
std::pair<std::string, std::uint64_t> hashFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> piece(1 << 20);
  Sha256 sha;
  std::uint64_t size = 0;
  while (in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    sha.add(piece.data(), n);
    size += n;
  }
  return {sha.hex(), size};
}

// Regular files of at least `bytes` under `root` (the test's leftovers, if any).
std::vector<std::string> filesOfAtLeast(const fs::path& root, std::uintmax_t bytes) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec) && it->file_size(size_ec) >= bytes) out.push_back(it->path().string());
  }
  return out;
}

// Samples a process's VmRSS every 10 ms until stopped; peak() is the highest seen (or VmHWM).
class RssSampler {
 public:
  explicit RssSampler(int pid) : pid_(pid), before_(procStatusKb(pid, "VmRSS")), peak_(before_) {
    thread_ = std::thread([this] {
      while (running_) {
        const long rss = procStatusKb(pid_, "VmRSS");
        if (rss > peak_) peak_ = rss;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  ~RssSampler() { stop(); }
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }
  long before() const { return before_; }
  long sampledPeak() const { return peak_; }

 private:
  int pid_;
  long before_;
  std::atomic<long> peak_;
  std::atomic<bool> running_{true};
  std::thread thread_;
};

std::string skipReason() {
  if (!env().skipReason().empty()) return env().skipReason();
  fs::path store = gatewayUnderTest().storageRoot();
  if (!fs::exists(store)) store = store.parent_path();  // made with the first file
  for (const fs::path& where : {env().local(), store}) {
    std::error_code ec;
    const fs::space_info space = fs::space(where, ec);
    if (ec) return "cannot tell the free space of " + where.string() + ": " + ec.message();
    if (space.available < kFreeBytesNeeded) {
      return "needs " + std::to_string(kFreeBytesNeeded / 1000000) + " MB free at " + where.string() + ", has " +
             std::to_string(space.available / 1000000) + " MB";
    }
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SftpBrokerLarge)

BOOST_AUTO_TEST_CASE(MoreThanOneGibibyteGoesThroughIntactWithBoundedGatewayMemory) {
  if (const std::string why = skipReason(); !why.empty()) {
    BOOST_TEST_MESSAGE("skipped: " << why);
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto& gw = gatewayUnderTest();
  const std::string name = "large-" + std::to_string(::getpid()) + ".zip";
  const fs::path local = env().local() / name;
  const auto t0 = Clock::now();
  const std::string sent_sha =
      writeLargeBrokerZip(local, brokerManifestXml(kService, kOrgS, "large-" + std::to_string(::getpid())),
                          brokerRecipientsXml({kOrgT}), kPayloadBytes, 20261123);
  const std::uint64_t zip_bytes = fs::file_size(local);
  BOOST_REQUIRE_GT(zip_bytes, kPayloadBytes);
  BOOST_REQUIRE_GT(zip_bytes, 1ull << 30);

  RssSampler rss(gw.pid());
  BOOST_REQUIRE_GT(rss.before(), 0);
  const auto t1 = Clock::now();
  std::string out;
  BOOST_REQUIRE_MESSAGE(env().sftpAs(kOrgS, "put " + local.string() + " inbound/" + name + ".part\nrename inbound/" +
                                                name + ".part inbound/" + name + "\n", &out) == 0, out);
  fs::remove(local);  // the sender's copy: not needed any more (disk space)
  const auto t2 = Clock::now();
  std::string why;
  const std::string reference = env().acceptedReference(kOrgS, name, 240, &why);
  BOOST_REQUIRE_MESSAGE(!reference.empty(), "not accepted: " << why);
  const auto t3 = Clock::now();
  // What the gateway recorded is what was sent.
  BOOST_TEST(sql("SELECT CONCAT(file_size, ' ', sha256_hex) FROM broker_shipment WHERE file_reference = '" + reference +
                 "'") == std::to_string(zip_bytes) + " " + sent_sha);
  BOOST_REQUIRE_MESSAGE(env().sftpAs(kOrgS, "rm processed/" + name + "\n", &out) == 0, out);

  const std::string delivered = reference + ".zip";
  BOOST_REQUIRE(waitFor([&] { return fs::exists(env().orgFolder(kOrgT, "outbound") / delivered); }, 240));
  const auto t4 = Clock::now();
  const fs::path fetched = env().local() / ("fetched-" + delivered);
  BOOST_REQUIRE_MESSAGE(env().sftpAs(kOrgT, "get outbound/" + delivered + " " + fetched.string() + "\n", &out) == 0,
                        out);
  const auto t5 = Clock::now();
  rss.stop();
  const auto [got_sha, got_bytes] = hashFile(fetched);
  fs::remove(fetched);
  BOOST_TEST(got_bytes == zip_bytes);
  BOOST_TEST(got_sha == sent_sha);

  const long hwm_after = procStatusKb(gw.pid(), "VmHWM");
  const long peak = std::max(hwm_after, rss.sampledPeak());
  using ms = std::chrono::milliseconds;
  auto span = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration_cast<ms>(b - a).count(); };
  BOOST_TEST_MESSAGE(zip_bytes << " bytes over SFTP: ZIP made in " << span(t0, t1) << " ms, sftp put " << span(t1, t2)
                               << " ms, accepted " << span(t2, t3) << " ms later, in outbound/ " << span(t3, t4)
                               << " ms later, sftp get " << span(t4, t5) << " ms; gateway VmRSS before "
                               << rss.before() << " kB, sampled peak " << rss.sampledPeak() << " kB, VmHWM after "
                               << hwm_after << " kB");
  BOOST_TEST(peak - rss.before() < kMaxRssGrowthKb);

  // Clean-up, as the channel does it: T deletes its copy (Confirmed), the period ends, the retention
  // job deletes the stored file. Nothing of a gigabyte is left anywhere.
  BOOST_REQUIRE_EQUAL(env().sftpAs(kOrgT, "rm outbound/" + delivered + "\n"), 0);
  const std::string state = "SELECT r.state FROM broker_recipient r JOIN broker_shipment s ON s.id = r.shipment_id "
                            "WHERE s.file_reference = '" + reference + "'";
  BOOST_TEST(waitFor([&] { return sql(state) == "Confirmed"; }));
  sql("UPDATE broker_shipment SET expires_at = UTC_TIMESTAMP(6) WHERE file_reference = '" + reference + "'");
  BOOST_TEST(waitFor([&] {
    return sql("SELECT CONCAT(state, '|', blob_key) FROM broker_shipment WHERE file_reference = '" + reference + "'") ==
           "Expired|";
  }));
  for (const fs::path& where : {env().dropRoot(), env().local(), fs::path(gw.storageRoot())}) {
    const std::vector<std::string> left = filesOfAtLeast(where, 1 << 20);
    BOOST_TEST(left.empty(), where.string() << " still holds " << (left.empty() ? "-" : left.front()));
  }
}

BOOST_AUTO_TEST_SUITE_END()
