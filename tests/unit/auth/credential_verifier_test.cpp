#define BOOST_TEST_MODULE credential_verifier
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "auth/credential_verifier.h"
#include "auth/password_hash.h"

using namespace gateway;
using namespace gateway::auth;
using persistence::SystemRecord;

namespace {

class FakeSystems : public persistence::SystemRepository {
 public:
  Result<std::optional<SystemRecord>> findByUsername(const std::string& username) override {
    std::lock_guard lock(mutex);
    ++lookups;
    if (!available) return Status::Unavailable("database down");
    auto it = systems.find(username);
    if (it == systems.end()) return std::optional<SystemRecord>();
    return std::optional<SystemRecord>(it->second);
  }
  Result<bool> mayActFor(persistence::Id, const std::string&) override { return false; }

  void setPassword(const std::string& username, const std::string& password) {
    std::lock_guard lock(mutex);
    auto& s = systems[username];
    s.password_hash = hashPassword(password, kMinPbkdf2Iterations).value();
    ++s.credential_version;
  }

  std::mutex mutex;
  std::map<std::string, SystemRecord> systems;
  bool available = true;
  int lookups = 0;
};

struct Fixture {
  Fixture() {
    SystemRecord agency;
    agency.id = 1;
    agency.username = "etat-arkiv";
    agency.org_number = "910000004";
    agency.role = persistence::SystemRole::kServiceOwner;
    agency.password_hash = hashPassword("s3cret", kMinPbkdf2Iterations).value();
    repo.systems[agency.username] = agency;
  }

  CredentialVerifier make(std::chrono::seconds ttl = std::chrono::seconds(60),
                          std::chrono::milliseconds record_ttl = std::chrono::milliseconds(0)) {
    return CredentialVerifier(
        repo, ttl,
        [this](const std::string& p, const std::string& h) {
          ++slow_checks;
          return verifyPassword(p, h);
        },
        [this] { return now; }, record_ttl);
  }

  Result<SystemRecord> verify(CredentialVerifier& v, const std::string& user, const std::string& password,
                              const std::string& org = "910000004") {
    return v.verify(&user, &password, org);
  }

  FakeSystems repo;
  std::atomic<int> slow_checks{0};
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
};

void requireCode(const Result<SystemRecord>& r, StatusCode code, int altinn_id) {
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(static_cast<int>(r.status().code()) == static_cast<int>(code));
  BOOST_TEST(r.status().altinnErrorId() == altinn_id);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(CredentialVerifierChecks, Fixture)

BOOST_AUTO_TEST_CASE(AcceptsCorrectCredentialsForTheCertificateOrg) {
  auto v = make();
  auto r = verify(v, "etat-arkiv", "s3cret");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->id == 1);
  BOOST_TEST(r->username == "etat-arkiv");
}

BOOST_AUTO_TEST_CASE(MissingCredentialsAre989) {
  auto v = make();
  const std::string user = "etat-arkiv", password = "s3cret", empty;
  requireCode(v.verify(nullptr, &password, "910000004"), StatusCode::kUnauthenticated, 989);
  requireCode(v.verify(&user, nullptr, "910000004"), StatusCode::kUnauthenticated, 989);
  requireCode(v.verify(&empty, &password, "910000004"), StatusCode::kUnauthenticated, 989);
  requireCode(v.verify(&user, &empty, "910000004"), StatusCode::kUnauthenticated, 989);
  BOOST_TEST(repo.lookups == 0);
}

BOOST_AUTO_TEST_CASE(WrongPasswordIs989) {
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "wrong"), StatusCode::kUnauthenticated, 989);
}

BOOST_AUTO_TEST_CASE(UnknownUserIs989WithTheSameMessage) {
  auto v = make();
  auto unknown = verify(v, "nobody", "s3cret");
  auto wrong = verify(v, "etat-arkiv", "wrong");
  requireCode(unknown, StatusCode::kUnauthenticated, 989);
  BOOST_TEST(unknown.status().message() == wrong.status().message());
}

BOOST_AUTO_TEST_CASE(InactiveSystemIs989) {
  repo.systems["etat-arkiv"].active = false;
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kUnauthenticated, 989);
}

BOOST_AUTO_TEST_CASE(OrgMismatchIs5) {
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "s3cret", "910000101"), StatusCode::kPermissionDenied, 5);
}

BOOST_AUTO_TEST_CASE(OrgMismatchWithWrongPasswordIs989) {
  // Another organisation's caller learns nothing about the system without its password.
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "wrong", "910000101"), StatusCode::kUnauthenticated, 989);
}

BOOST_AUTO_TEST_CASE(RepositoryFailurePassesThrough) {
  repo.available = false;
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kUnavailable, 0);
}

BOOST_AUTO_TEST_CASE(CacheHitAvoidsTheSlowHash) {
  auto v = make();
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 1);
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 1);
  BOOST_TEST(repo.lookups == 6);  // the record is still read every time
}

BOOST_AUTO_TEST_CASE(CacheDoesNotAcceptAnotherPassword) {
  auto v = make();
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  requireCode(verify(v, "etat-arkiv", "s3cret!"), StatusCode::kUnauthenticated, 989);
  BOOST_TEST(slow_checks == 2);
}

BOOST_AUTO_TEST_CASE(FailuresAreNotCached) {
  auto v = make();
  requireCode(verify(v, "etat-arkiv", "wrong"), StatusCode::kUnauthenticated, 989);
  requireCode(verify(v, "etat-arkiv", "wrong"), StatusCode::kUnauthenticated, 989);
  BOOST_TEST(slow_checks == 2);
  requireCode(verify(v, "etat-arkiv", "s3cret", "910000101"), StatusCode::kPermissionDenied, 5);
  requireCode(verify(v, "etat-arkiv", "s3cret", "910000101"), StatusCode::kPermissionDenied, 5);
  BOOST_TEST(slow_checks == 4);
}

BOOST_AUTO_TEST_CASE(PasswordChangeInvalidatesTheCache) {
  auto v = make();
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  repo.setPassword("etat-arkiv", "n3w-secret");
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kUnauthenticated, 989);
  BOOST_TEST(slow_checks == 2);
  BOOST_REQUIRE(verify(v, "etat-arkiv", "n3w-secret").ok());
  BOOST_REQUIRE(verify(v, "etat-arkiv", "n3w-secret").ok());
  BOOST_TEST(slow_checks == 3);
}

BOOST_AUTO_TEST_CASE(DeactivationTakesEffectWithinTheTtl) {
  auto v = make();
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  repo.systems["etat-arkiv"].active = false;
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kUnauthenticated, 989);
  repo.systems["etat-arkiv"].active = true;
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 1);
}

BOOST_AUTO_TEST_CASE(OrgChangeTakesEffectWithinTheTtl) {
  auto v = make();
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  repo.systems["etat-arkiv"].org_number = "910000101";
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kPermissionDenied, 5);
}

BOOST_AUTO_TEST_CASE(EntriesExpireAfterTheTtl) {
  auto v = make(std::chrono::seconds(30));
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  now += std::chrono::seconds(29);
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 1);
  now += std::chrono::seconds(2);
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 2);
}

BOOST_AUTO_TEST_CASE(WithARecordTtlTheRecordIsReadOncePerTtl) {
  auto v = make(std::chrono::seconds(60), std::chrono::seconds(1));
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(repo.lookups == 1);
  now += std::chrono::milliseconds(1001);
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(repo.lookups == 2);
}

BOOST_AUTO_TEST_CASE(WithARecordTtlDeactivationTakesEffectWhenItEnds) {
  auto v = make(std::chrono::seconds(60), std::chrono::seconds(1));
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  repo.systems["etat-arkiv"].active = false;
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());  // the record read a moment ago
  now += std::chrono::milliseconds(1001);
  requireCode(verify(v, "etat-arkiv", "s3cret"), StatusCode::kUnauthenticated, 989);
}

BOOST_AUTO_TEST_CASE(UnknownUsersAreNotRemembered) {
  auto v = make(std::chrono::seconds(60), std::chrono::seconds(1));
  requireCode(verify(v, "nobody", "x"), StatusCode::kUnauthenticated, 989);
  requireCode(verify(v, "nobody", "x"), StatusCode::kUnauthenticated, 989);
  BOOST_TEST(repo.lookups == 2);
}

BOOST_AUTO_TEST_CASE(ZeroTtlDisablesTheCache) {
  auto v = make(std::chrono::seconds(0));
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_REQUIRE(verify(v, "etat-arkiv", "s3cret").ok());
  BOOST_TEST(slow_checks == 2);
}

BOOST_AUTO_TEST_CASE(ConcurrentCallersAgree) {
  for (int i = 0; i < 8; ++i) {
    SystemRecord s;
    s.id = 100 + i;
    s.username = "system-" + std::to_string(i);
    s.org_number = "910000004";
    s.password_hash = hashPassword("pw-" + std::to_string(i), kMinPbkdf2Iterations).value();
    repo.systems[s.username] = s;
  }
  auto v = make();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 200; ++n) {
        int i = (t + n) % 8;
        const std::string user = "system-" + std::to_string(i);
        const std::string good = "pw-" + std::to_string(i);
        const std::string bad = "pw-" + std::to_string(i + 1);
        if (!v.verify(&user, &good, "910000004").ok()) ++failures;
        if (n % 50 == 0 && v.verify(&user, &bad, "910000004").ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(slow_checks < 200);  // mostly cache hits (the first callers race to fill it)
}

BOOST_AUTO_TEST_CASE(ConcurrentCallersShareOneSlowCheck) {
  // A slow check that waits until every caller has arrived: without single-flight each of the 16
  // threads would run it; with it, one does and the rest wait for its answer.
  std::atomic<int> started{0};
  CredentialVerifier v(
      repo, std::chrono::seconds(60),
      [&](const std::string& p, const std::string& h) {
        ++slow_checks;
        ++started;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return verifyPassword(p, h);
      },
      [this] { return now; });
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      const std::string user = "etat-arkiv", password = "s3cret";
      if (!v.verify(&user, &password, "910000004").ok()) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(slow_checks == 1);
}

BOOST_AUTO_TEST_SUITE_END()
