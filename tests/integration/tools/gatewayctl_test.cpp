// gatewayctl (tools/gatewayctl) run as a program against the test database: the CLI contract's
// commands, validation and exit codes (0 ok, 1 error, 2 usage, 3 already exists).
#define BOOST_TEST_MODULE gatewayctl_test
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "support/test_database.h"

using gateway::testing::TestDatabase;
using gateway::testing::uniqueOrgNumber;
using gateway::testing::uniqueSuffix;
namespace fs = std::filesystem;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

struct Run {
  int code = -1;
  std::string output;  // stdout and stderr
};

fs::path workDir() {
  fs::path dir = fs::temp_directory_path() / ("gwctl_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

struct RemoveWorkDir {
  ~RemoveWorkDir() {
    std::error_code ec;
    fs::remove_all(fs::temp_directory_path() / ("gwctl_" + std::to_string(::getpid())), ec);
  }
} remove_work_dir;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs gatewayctl with `args` (already shell-quoted where needed); `input` becomes standard input.
Run gatewayctl(const std::string& args, const std::string& input = "") {
  auto& db = TestDatabase::instance();
  ::setenv("GATEWAY_DB_SOCKET", db.config().unix_socket.c_str(), 1);
  ::setenv("GATEWAY_DB_USER", db.config().user.c_str(), 1);
  ::setenv("GATEWAY_DB_PASSWORD", db.config().password.c_str(), 1);
  ::setenv("GATEWAY_DB_NAME", db.config().database.c_str(), 1);
  ::setenv("GATEWAY_MIGRATIONS_DIR", db.environment().migrationsDir().c_str(), 1);
  const fs::path in = workDir() / "stdin";
  std::ofstream(in, std::ios::trunc) << input;
  std::string command = std::string(GATEWAYCTL_PATH) + " " + args + " < " + quote(in.string()) + " 2>&1";
  Run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

#define EXPECT_EXIT(run_expression, expected)              \
  do {                                                      \
    const Run run_once = (run_expression);                  \
    BOOST_TEST(run_once.code == (expected), run_once.output); \
  } while (false)

struct Owner {
  std::string code = "CTL" + uniqueSuffix();
  std::string org = uniqueOrgNumber();
};

Owner addOwner() {
  Owner o;
  EXPECT_EXIT(gatewayctl("owner add --code " + o.code + " --org " + o.org + " --name 'Etat ' "), 0);
  return o;
}

// A self-signed certificate whose subject also carries field=value (e.g. serialNumber=910000004).
std::string writeCertificate(const std::string& name, const std::string& field, const std::string& value,
                             std::string& fingerprint) {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ctl test"), -1, -1, 0);
  if (!field.empty()) {
    X509_NAME_add_entry_by_txt(subject, field.c_str(), MBSTRING_ASC, reinterpret_cast<const unsigned char*>(value.c_str()),
                               -1, -1, 0);
  }
  X509_set_issuer_name(cert.get(), subject);
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), key.get(), EVP_sha256());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert.get(), EVP_sha256(), digest, &length);
  fingerprint.clear();
  for (unsigned int i = 0; i < length; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    fingerprint += hex;
  }
  fs::path path = workDir() / (name + ".pem");
  FILE* out = std::fopen(path.c_str(), "w");
  PEM_write_X509(out, cert.get());
  std::fclose(out);
  return path.string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Gatewayctl)

BOOST_AUTO_TEST_CASE(HelpAndUsageErrors) {
  Run help = gatewayctl("--help");
  EXPECT_EXIT(help, 0);
  BOOST_TEST(help.output.find("system add --username U") != std::string::npos);
  BOOST_TEST(help.output.find("cert show FILE.pem") != std::string::npos);
  EXPECT_EXIT(gatewayctl("system add --help"), 0);
  EXPECT_EXIT(gatewayctl(""), 2);
  EXPECT_EXIT(gatewayctl("frobnicate"), 2);
  EXPECT_EXIT(gatewayctl("owner add --code X --org 910000004"), 2);             // --name missing
  EXPECT_EXIT(gatewayctl("owner list --bogus 1"), 2);                           // unknown option
  EXPECT_EXIT(gatewayctl("owner add --code X --org 910000004 --name"), 2);      // value missing
  EXPECT_EXIT(gatewayctl("owner list --if-missing"), 2);                        // flag of another command
}

BOOST_AUTO_TEST_CASE(MigrateIsIdempotent) {
  Run first = gatewayctl("migrate");
  EXPECT_EXIT(first, 0);
  EXPECT_EXIT(gatewayctl("migrate --dir " + quote(TestDatabase::instance().environment().migrationsDir())), 0);
  EXPECT_EXIT(gatewayctl("migrate --dir /nonexistent"), 1);
}

BOOST_AUTO_TEST_CASE(OwnerAddValidatesAndReportsDuplicates) {
  EXPECT_EXIT(gatewayctl("owner add --code A1 --org 910000005 --name x"), 2);  // bad check digit
  EXPECT_EXIT(gatewayctl("owner add --code A1 --org 91000000 --name x"), 2);
  EXPECT_EXIT(gatewayctl("owner add --code 'bad code' --org 910000004 --name x"), 2);
  Owner o = addOwner();
  EXPECT_EXIT(gatewayctl("owner add --code " + o.code + " --org " + o.org + " --name again"), 3);
  EXPECT_EXIT(gatewayctl("owner add --code " + o.code + " --org " + o.org + " --name again --if-missing"), 0);
  // Same code, other org number: not "the same owner".
  EXPECT_EXIT(gatewayctl("owner add --code " + o.code + " --org " + uniqueOrgNumber() + " --name x --if-missing"), 3);
  Run list = gatewayctl("owner list");
  EXPECT_EXIT(list, 0);
  BOOST_TEST(list.output.find(o.code + "\t" + o.org) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(SystemLifecycle) {
  Owner o = addOwner();
  const std::string user = "sys-" + uniqueSuffix();
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org " + o.org + " --role owner --owner " + o.code,
                         "s3cret-pass\n"),
              0);
  auto found = TestDatabase::instance().database().systems().findByUsername(user);
  BOOST_REQUIRE(found.ok() && found->has_value());
  const std::string first_hash = found.value()->password_hash;
  BOOST_TEST(first_hash.rfind("pbkdf2-sha256$", 0) == 0);
  BOOST_TEST(first_hash.find("s3cret-pass") == std::string::npos);

  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org " + o.org + " --role owner --owner " + o.code, "x\n"),
              3);
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org " + o.org + " --role owner --owner " + o.code +
                         " --if-missing"),
              0);

  ::setenv("CTL_TEST_PASSWORD", "from-env", 1);
  EXPECT_EXIT(gatewayctl("system passwd --username " + user + " --password-env CTL_TEST_PASSWORD"), 0);
  auto changed = TestDatabase::instance().database().systems().findByUsername(user);
  BOOST_TEST(changed.value()->password_hash != first_hash);
  BOOST_TEST(changed.value()->credential_version == 2);

  EXPECT_EXIT(gatewayctl("system disable --username " + user), 0);
  BOOST_TEST(!TestDatabase::instance().database().systems().findByUsername(user).value()->active);
  EXPECT_EXIT(gatewayctl("system enable --username " + user), 0);
  BOOST_TEST(TestDatabase::instance().database().systems().findByUsername(user).value()->active);
  EXPECT_EXIT(gatewayctl("system disable --username nobody-" + uniqueSuffix()), 1);

  Run list = gatewayctl("system list");
  EXPECT_EXIT(list, 0);
  BOOST_TEST(list.output.find(user + "\t" + o.org + "\towner\t" + o.code + "\tyes") != std::string::npos);
  BOOST_TEST(list.output.find("pbkdf2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(SystemAddRefusesBadInput) {
  Owner o = addOwner();
  const std::string user = "bad-" + uniqueSuffix();
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org " + o.org + " --role owner", "pw\n"), 2);
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role enduser --owner " + o.code, "pw\n"),
              2);
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role admin", "pw\n"), 2);
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role enduser", ""), 2);  // no password
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role enduser --password-env NOPE_UNSET"),
              2);
  // Owner system whose org number differs from its owner's: refused by the repository.
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role owner --owner " + o.code, "pw\n"),
              1);
  BOOST_TEST(!TestDatabase::instance().database().systems().findByUsername(user).value().has_value());
}

BOOST_AUTO_TEST_CASE(ServicesAndReportees) {
  Owner o = addOwner();
  const std::string code = "SC" + uniqueSuffix();
  const std::string add = "service add --owner " + o.code + " --code " + code + " --edition 1 --name 'Skjema' ";
  EXPECT_EXIT(gatewayctl(add), 2);                           // no --format
  EXPECT_EXIT(gatewayctl(add + "--format 5703"), 2);         // not ID:VERSION
  EXPECT_EXIT(gatewayctl(add + "--format 5703:x"), 2);
  EXPECT_EXIT(gatewayctl("service add --owner " + o.code + " --code " + code + " --edition 0 --name n --format 1:1"), 2);
  EXPECT_EXIT(gatewayctl(add + "--format 5703:34 --format 5704:1"), 0);
  EXPECT_EXIT(gatewayctl(add + "--format 5703:34"), 3);
  EXPECT_EXIT(gatewayctl(add + "--format 5703:34 --if-missing"), 0);
  Owner other = addOwner();
  EXPECT_EXIT(gatewayctl("service add --owner " + other.code + " --code " + code +
                         " --edition 1 --name x --format 1:1 --if-missing"),
              3);
  EXPECT_EXIT(gatewayctl("service add --owner NOPE" + uniqueSuffix() + " --code X" + uniqueSuffix() +
                         " --edition 1 --name x --format 1:1"),
              1);
  Run list = gatewayctl("service list");
  BOOST_TEST(list.output.find(o.code + "\t" + code + "\t1\tFormTask\t5703:34,5704:1\tSkjema") != std::string::npos,
             list.output);

  const std::string user = "rep-" + uniqueSuffix();
  EXPECT_EXIT(gatewayctl("system add --username " + user + " --org 910000209 --role enduser", "pw\n"), 0);
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 910000306"), 0);
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 01019010046"), 0);
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 910000306"), 3);
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 910000306 --if-missing"), 0);
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 01019010047"), 2);  // bad check digits
  EXPECT_EXIT(gatewayctl("reportee grant --system " + user + " --reportee 910000307"), 2);
  EXPECT_EXIT(gatewayctl("reportee grant --system nobody-" + uniqueSuffix() + " --reportee 910000306"), 1);
  Run reportees = gatewayctl("reportee list --system " + user);
  EXPECT_EXIT(reportees, 0);
  BOOST_TEST(reportees.output == "01019010046\n910000306\n");
  EXPECT_EXIT(gatewayctl("reportee revoke --system " + user + " --reportee 910000306"), 0);
  EXPECT_EXIT(gatewayctl("reportee revoke --system " + user + " --reportee 910000306"), 1);
  BOOST_TEST(gatewayctl("reportee list --system " + user).output == "01019010046\n");
}

BOOST_AUTO_TEST_CASE(ServiceChannelPushListAndRedrive) {
  Owner o = addOwner();
  const std::string code = "PC" + uniqueSuffix();
  EXPECT_EXIT(gatewayctl("service add --owner " + o.code + " --code " + code + " --edition 1 --name n --format 1:1"), 0);
  const std::string channel = "service channel --code " + code + " --edition 1 ";
  EXPECT_EXIT(gatewayctl(channel), 2);                                           // neither --push nor --queue
  EXPECT_EXIT(gatewayctl(channel + "--queue --push https://r.example/"), 2);     // both
  EXPECT_EXIT(gatewayctl(channel + "--push http://r.example/"), 2);              // not https
  EXPECT_EXIT(gatewayctl(channel + "--queue --user u"), 2);                      // credentials only with push
  EXPECT_EXIT(gatewayctl("service channel --code NOPE" + uniqueSuffix() + " --edition 1 --queue"), 1);
  EXPECT_EXIT(gatewayctl(channel + "--push https://r.example/obr.asmx --user altinn --password-stdin --remove-from-queue",
                         "receiver-secret\n"),
              0);
  auto& db = TestDatabase::instance();
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM service_channel c JOIN service s ON s.id = c.service_id WHERE s.code = ? "
                       "AND c.mode = 'push' AND c.receiver_password = 'receiver-secret' AND c.remove_from_queue = 1",
                       {code}) == 1);
  Run channels = gatewayctl("push channels");
  EXPECT_EXIT(channels, 0);
  BOOST_TEST(channels.output.find(o.code + "\t" + code + "\t1\tpush\tno\tyes\taltinn\thttps://r.example/obr.asmx") !=
                 std::string::npos,
             channels.output);
  BOOST_TEST(channels.output.find("receiver-secret") == std::string::npos);

  EXPECT_EXIT(gatewayctl("push list --dead"), 0);
  EXPECT_EXIT(gatewayctl("push list --limit 0"), 2);
  EXPECT_EXIT(gatewayctl("push redrive abc"), 2);
  EXPECT_EXIT(gatewayctl("push redrive 999999999"), 1);  // no such dead item
  EXPECT_EXIT(gatewayctl(channel + "--queue"), 0);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM service_channel c JOIN service s ON s.id = c.service_id WHERE s.code = ? "
                       "AND c.mode = 'queue' AND c.receiver_password = ''",
                       {code}) == 1);
}

BOOST_AUTO_TEST_CASE(CertShowPrintsWhatTheGatewayReads) {
  std::string fingerprint;
  std::string path = writeCertificate("serial", "serialNumber", "910000004", fingerprint);
  Run shown = gatewayctl("cert show " + quote(path));
  EXPECT_EXIT(shown, 0);
  BOOST_TEST(shown.output.find("org_number: 910000004") != std::string::npos, shown.output);
  BOOST_TEST(shown.output.find("sha256_fingerprint: " + fingerprint) != std::string::npos, shown.output);
  BOOST_TEST(shown.output.find("subject: ") != std::string::npos);

  path = writeCertificate("ntrno", "organizationIdentifier", "NTRNO-910000101", fingerprint);
  BOOST_TEST(gatewayctl("cert show " + quote(path)).output.find("org_number: 910000101") != std::string::npos);

  path = writeCertificate("noorg", "", "", fingerprint);
  Run none = gatewayctl("cert show " + quote(path));
  EXPECT_EXIT(none, 0);
  BOOST_TEST(none.output.find("org_number: (none") != std::string::npos, none.output);

  EXPECT_EXIT(gatewayctl("cert show /nonexistent.pem"), 1);
  EXPECT_EXIT(gatewayctl("cert show"), 2);
  std::ofstream(workDir() / "garbage.pem") << "not a certificate";
  EXPECT_EXIT(gatewayctl("cert show " + quote((workDir() / "garbage.pem").string())), 1);
}

BOOST_AUTO_TEST_CASE(UnreachableDatabaseIsAnError) {
  ::setenv("GATEWAY_DB_SOCKET", "/nonexistent.sock", 1);
  std::string command = std::string(GATEWAYCTL_PATH) + " owner list > /dev/null 2>&1";
  int status = std::system(command.c_str());
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 1));
}

BOOST_AUTO_TEST_CASE(ContactImportCommitsValidLinesAndReportsRejectedOnes) {
  const fs::path csv = workDir() / "contacts.csv";
  std::ofstream(csv, std::ios::trunc) << "party_number,email,mobile,reserved,language\r\n"
                                         "01019010046,ola@example.no,+4791234567,false,2068\r\n"
                                         "01019010047,bad@example.no,,false,1044\n"
                                         "910000306,post@firma.no,,no,\n"
                                         "\n"
                                         "910000306x,,,,\n"
                                         "\"13109000161\",kari@example.no,,true,1033\n"
                                         "13109000161,,,maybe,1044\n"
                                         "05059000170,not-an-email,,false,1044\n"
                                         "05059000170,a@b.no,,false,1053\n";
  const Run run = gatewayctl("contact import " + quote(csv.string()) + " --batch-size 2");
  BOOST_TEST(run.code == 1, run.output);
  BOOST_TEST(run.output.find("rejected line 3: '01019010047' is not a valid national identity number") != std::string::npos,
             run.output);
  BOOST_TEST(run.output.find("rejected line 6:") != std::string::npos, run.output);
  BOOST_TEST(run.output.find("rejected line 8: reserved must be") != std::string::npos, run.output);
  BOOST_TEST(run.output.find("rejected line 9: 'not-an-email' is not a valid e-mail address") != std::string::npos,
             run.output);
  BOOST_TEST(run.output.find("rejected line 10: language must be") != std::string::npos, run.output);
  BOOST_TEST(run.output.find("imported 3 contact(s), rejected 5 line(s)") != std::string::npos, run.output);
  auto& db = TestDatabase::instance();
  BOOST_TEST(db.scalar("SELECT language_id FROM contact WHERE party_number = '01019010046'") == 2068);
  BOOST_TEST(db.scalar("SELECT reserved FROM contact WHERE party_number = '13109000161'") == 1);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM contact WHERE party_number = '01019010047'") == 0);

  // A re-import updates.
  std::ofstream(csv, std::ios::trunc) << "party_number,email,mobile,reserved,language\n"
                                         "01019010046,ny@example.no,,true,1044\n";
  EXPECT_EXIT(gatewayctl("contact import " + quote(csv.string())), 0);
  const Run show = gatewayctl("contact show --party 01019010046");
  BOOST_TEST(show.output.find("email: ny@example.no") != std::string::npos, show.output);
  BOOST_TEST(show.output.find("reserved: yes") != std::string::npos, show.output);
}

BOOST_AUTO_TEST_CASE(ContactImportNeedsTheHeader) {
  const fs::path csv = workDir() / "noheader.csv";
  std::ofstream(csv, std::ios::trunc) << "01019010046,ola@example.no,,false,1044\n";
  const Run run = gatewayctl("contact import " + quote(csv.string()));
  BOOST_TEST(run.code == 1);
  BOOST_TEST(run.output.find("must be the header") != std::string::npos, run.output);
}

BOOST_AUTO_TEST_CASE(ContactSetShowRemove) {
  EXPECT_EXIT(gatewayctl("contact set --party 910000209 --email a@firma.no --language 1033"), 0);
  EXPECT_EXIT(gatewayctl("contact set --party 910000209 --mobile +4798765432"), 0);
  const Run show = gatewayctl("contact show --party 910000209");
  BOOST_TEST(show.output.find("email: a@firma.no") != std::string::npos, show.output);
  BOOST_TEST(show.output.find("mobile: +4798765432") != std::string::npos, show.output);
  BOOST_TEST(show.output.find("language: 1033") != std::string::npos, show.output);
  EXPECT_EXIT(gatewayctl("contact set --party 910000208 --email a@firma.no"), 2);  // bad check digit
  EXPECT_EXIT(gatewayctl("contact remove --party 910000209"), 0);
  EXPECT_EXIT(gatewayctl("contact remove --party 910000209"), 1);
  EXPECT_EXIT(gatewayctl("contact show --party 910000209"), 1);
}

BOOST_AUTO_TEST_CASE(TemplateSetAndList) {
  const fs::path body = workDir() / "body.txt";
  std::ofstream(body, std::ios::trunc) << "Hei {0}, blåbærsyltetøy.";
  EXPECT_EXIT(gatewayctl("template set --type CtlType --language 1044 --email-subject 'Emne {0}' --email-body-file " +
                         quote(body.string()) + " --sms-text 'SMS {0}'"),
              0);
  EXPECT_EXIT(gatewayctl("template set --type CtlType --language 1053 --sms-text x"), 2);
  EXPECT_EXIT(gatewayctl("template set --type CtlType --language 1033"), 2);
  const Run list = gatewayctl("template list");
  BOOST_TEST(list.output.find("CtlType\t1044\temail=yes\tsms=yes\tsubject=Emne {0}") != std::string::npos, list.output);
  auto& db = TestDatabase::instance();
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM notification_template WHERE email_body = ?", {"Hei {0}, blåbærsyltetøy."}) == 1);
}

BOOST_AUTO_TEST_CASE(ContactImportOfALargeFileShowsProgressOnATerminalOnly) {
  const fs::path csv = workDir() / "large.csv";
  {
    std::ofstream out(csv, std::ios::trunc);
    out << "party_number,email,mobile,reserved,language\n";
    const std::string line = "05059000170," + std::string(200, 'a') + "@example.no,+4791234567,false,1044\n";
    for (std::size_t written = 0; written < (1u << 20) + 4096; written += line.size()) out << line;
  }
  gatewayctl("contact show --party 05059000170");  // sets the database environment for the runs below
  auto capture = [](const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    BOOST_TEST(WEXITSTATUS(::pclose(pipe)) == 0, output);
    return output;
  };
  const std::string import = std::string(GATEWAYCTL_PATH) + " contact import " + quote(csv.string());
  // `script` gives the command a terminal (bsdutils, part of every Debian system).
  const std::string on_terminal = capture("script -qec " + quote(import) + " /dev/null");
  BOOST_TEST(on_terminal.find("] 100% ") != std::string::npos, on_terminal);
  BOOST_TEST(on_terminal.find("[###############               ] 50%") != std::string::npos, on_terminal);
  const std::string piped = capture(import + " 2>&1");
  BOOST_TEST(piped.find("100%") == std::string::npos, piped);
  BOOST_TEST(piped.find("rejected 0 line(s)") != std::string::npos, piped);
}

BOOST_AUTO_TEST_CASE(NotificationListShowsDeadLettersAndRedriveRequeuesThem) {
  auto& database = TestDatabase::instance().database();
  const gateway::testing::Parties parties = gateway::testing::seedParties(database);
  gateway::persistence::OutboxMessage m;
  m.owner_id = parties.owner.id;
  m.system_id = parties.owner_system.id;
  m.reportee = "01019010046";
  m.notification_type = "CtlType";
  m.recipient = "dead-" + parties.owner.code + "@example.no";
  m.body = "x";
  m.next_attempt_at = std::time(nullptr) - 1;
  auto ids = database.notifications().enqueue({m});
  BOOST_REQUIRE(ids.ok());
  const auto id = ids->at(0);
  // Claim until ours comes up (the database is shared with other cases), then let it die.
  bool dead = false;
  for (int round = 0; round < 20 && !dead; ++round) {
    auto claimed = database.notifications().claim(50, 60);
    BOOST_REQUIRE(claimed.ok());
    for (const auto& c : claimed.value()) {
      if (c.id == id) dead = database.notifications().markFailed(id, c.lease_token, "550 mailbox unavailable", std::nullopt).ok();
    }
  }
  BOOST_REQUIRE(dead);
  const Run listed = gatewayctl("notification list --dead --owner " + parties.owner.code);
  BOOST_TEST(listed.code == 0, listed.output);
  BOOST_TEST(listed.output.find(std::to_string(id) + "\tdead\tEmail\t" + m.recipient + "\t1\t") != std::string::npos,
             listed.output);
  BOOST_TEST(listed.output.find("550 mailbox unavailable") != std::string::npos, listed.output);
  EXPECT_EXIT(gatewayctl("notification list --owner NO_SUCH_OWNER"), 2);
  EXPECT_EXIT(gatewayctl("notification redrive " + std::to_string(id)), 0);
  EXPECT_EXIT(gatewayctl("notification redrive " + std::to_string(id)), 1);  // no longer dead
  EXPECT_EXIT(gatewayctl("notification redrive abc"), 2);
  const Run again = gatewayctl("notification list --dead --owner " + parties.owner.code);
  BOOST_TEST(again.output.find(m.recipient) == std::string::npos, again.output);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT attempts FROM notification_outbox WHERE id = ?",
                                             {std::to_string(id)}) == 0);
}

BOOST_AUTO_TEST_CASE(ContactRoleAddListRemove) {
  const std::string org = uniqueOrgNumber();
  EXPECT_EXIT(gatewayctl("contact role add --org " + org + " --person 01019010046 --role dagl"), 0);
  const Run again = gatewayctl("contact role add --org " + org + " --person 01019010046 --role DAGL");
  BOOST_TEST(again.code == 0, again.output);
  BOOST_TEST(again.output.find("already holds DAGL") != std::string::npos, again.output);
  EXPECT_EXIT(gatewayctl("contact role add --org " + org + " --person 01019010047 --role DAGL"), 2);  // check digits
  EXPECT_EXIT(gatewayctl("contact role add --org 910000208 --person 01019010046 --role DAGL"), 2);
  EXPECT_EXIT(gatewayctl("contact role add --org " + org + " --person 01019010046 --role 'DA GL'"), 2);
  EXPECT_EXIT(gatewayctl("contact role add --org " + org + " --person 01019010127 --role REGNA"), 0);
  const Run list = gatewayctl("contact role list --org " + org);
  BOOST_TEST(list.code == 0, list.output);
  BOOST_TEST(list.output == "person\trole\n01019010046\tDAGL\n01019010127\tREGNA\n", list.output);
  EXPECT_EXIT(gatewayctl("contact role remove --org " + org + " --person 01019010046 --role DAGL"), 0);
  EXPECT_EXIT(gatewayctl("contact role remove --org " + org + " --person 01019010046 --role DAGL"), 1);
  BOOST_TEST(gatewayctl("contact role list --org " + org).output.find("01019010046") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(ContactRoleImportCommitsValidLinesAndReportsRejectedOnes) {
  const std::string org = uniqueOrgNumber();
  const fs::path csv = workDir() / "roles.csv";
  std::ofstream(csv, std::ios::trunc) << "\xEF\xBB\xBForganisation,person,role\r\n"
                                      << org << ",01019010046,DAGL\r\n"
                                      << org << ",01019010047,DAGL\n"    // bad check digits
                                      << org << ",\"01019010127\",regna\n"
                                      << "\n"
                                      << "910000208,01019010046,DAGL\n"  // bad organisation number
                                      << org << ",01019010046,REGNA,extra\n"
                                      << org << ",01019010208,LE-DE\n"
                                      << org << ",01019010046,DAGL\n";   // already held: fine
  const Run run = gatewayctl("contact role import " + quote(csv.string()) + " --batch-size 2");
  BOOST_TEST(run.code == 1, run.output);
  BOOST_TEST(run.output.find("rejected line 3: '01019010047' is not a valid national identity number") !=
                 std::string::npos,
             run.output);
  BOOST_TEST(run.output.find("rejected line 6: '910000208' is not an organisation number") != std::string::npos,
             run.output);
  BOOST_TEST(run.output.find("rejected line 7: expected 3 fields") != std::string::npos, run.output);
  BOOST_TEST(run.output.find("rejected line 8: role 'LE-DE'") != std::string::npos, run.output);
  BOOST_TEST(run.output.find("imported 3 role(s), rejected 4 line(s)") != std::string::npos, run.output);
  auto& db = TestDatabase::instance();
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM contact_role WHERE organisation = ?", {org}) == 2);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM contact_role WHERE organisation = ? AND person = '01019010127' AND "
                       "role_code = 'REGNA'",
                       {org}) == 1);

  std::ofstream(csv, std::ios::trunc) << "organisation,person\n";
  const Run header = gatewayctl("contact role import " + quote(csv.string()));
  BOOST_TEST(header.code == 1);
  BOOST_TEST(header.output.find("must be the header 'organisation,person,role'") != std::string::npos, header.output);
}

BOOST_AUTO_TEST_CASE(ServiceRolesAreStoredOnTheService) {
  auto& database = TestDatabase::instance().database();
  const gateway::testing::Parties parties = gateway::testing::seedParties(database);
  const std::string code = parties.service.code;
  const std::string edition = std::to_string(parties.service.edition);
  const Run set = gatewayctl("service roles " + code + " " + edition + " regna,DAGL");
  BOOST_TEST(set.code == 0, set.output);
  BOOST_TEST(set.output.find("is granted by: DAGL,REGNA") != std::string::npos, set.output);
  BOOST_TEST((database.contacts().serviceAccessRoles(parties.service.id).value() ==
              std::vector<std::string>{"DAGL", "REGNA"}));
  EXPECT_EXIT(gatewayctl("service roles " + code + " " + edition + " 'DA GL'"), 2);
  EXPECT_EXIT(gatewayctl("service roles " + code + " 0 DAGL"), 2);
  EXPECT_EXIT(gatewayctl("service roles NO_SUCH_SERVICE 1 DAGL"), 1);
  const Run cleared = gatewayctl("service roles " + code + " " + edition + " none");
  BOOST_TEST(cleared.output.find("is granted by: none") != std::string::npos, cleared.output);
  BOOST_TEST(database.contacts().serviceAccessRoles(parties.service.id)->empty());
}

BOOST_AUTO_TEST_SUITE_END()
