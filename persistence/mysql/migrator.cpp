#include "migrator.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "common/log.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr const char* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),"
    " PRIMARY KEY (version)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";

constexpr const char* kLockName = "gateway.schema_migrations";
constexpr int kLockWaitSeconds = 120;

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

}  // namespace

Result<std::vector<MigrationFile>> listMigrations(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("migrations: not a folder: " + dir);
  std::vector<MigrationFile> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (name.size() < 6 || name.substr(name.size() - 4) != ".sql") continue;
    std::size_t digits = 0;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits == 0 || digits > 9 || name[digits] != '_') continue;
    files.push_back({std::stoi(name.substr(0, digits)), name, it->path().string()});
  }
  if (ec) return Status::InvalidArgument("migrations: cannot read folder " + dir);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      return Status::InvalidArgument("migrations: " + files[i - 1].name + " and " + files[i].name + " share a version");
    }
  }
  return files;
}

std::vector<std::string> splitSqlStatements(std::string_view text) {
  std::vector<std::string> statements;
  std::string current;
  bool has_code = false;
  auto flush = [&] {
    if (has_code) {
      auto first = current.find_first_not_of(" \t\r\n");
      auto last = current.find_last_not_of(" \t\r\n");
      statements.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
    has_code = false;
  };
  std::string delimiter = ";";
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    char c = text[i];
    const bool line_start = i == 0 || text[i - 1] == '\n';
    if (line_start && !has_code && n - i > 10 && (c == 'D' || c == 'd')) {
      // "DELIMITER <token>" on a line of its own, as the mariadb client reads it.
      std::size_t eol = std::min(n, text.find('\n', i));
      std::string line(text.substr(i, eol - i));
      std::string keyword = line.substr(0, 10);
      for (char& k : keyword) k = static_cast<char>(std::toupper(static_cast<unsigned char>(k)));
      if (keyword == "DELIMITER " || keyword == "DELIMITER\t") {
        std::size_t b = line.find_first_not_of(" \t", 10);
        std::size_t e = line.find_first_of(" \t\r", b);
        if (b != std::string::npos) {
          delimiter = line.substr(b, e == std::string::npos ? std::string::npos : e - b);
          current.clear();
          i = eol;
          continue;
        }
      }
    }
    if (c == '\'' || c == '"' || c == '`') {
      // Quoted string or identifier; backslash escapes apply inside '...' and "..." only.
      std::size_t j = i + 1;
      while (j < n) {
        if (text[j] == '\\' && c != '`' && j + 1 < n) {
          j += 2;
          continue;
        }
        if (text[j] == c) break;
        ++j;
      }
      std::size_t stop = std::min(n, j + 1);
      current.append(text.substr(i, stop - i));
      has_code = true;
      i = stop;
    } else if (c == '#' || (c == '-' && i + 1 < n && text[i + 1] == '-' &&
                            (i + 2 == n || std::isspace(static_cast<unsigned char>(text[i + 2]))))) {
      std::size_t eol = text.find('\n', i);
      i = eol == std::string_view::npos ? n : eol;  // comment dropped; the newline is kept
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      std::size_t close = text.find("*/", i + 2);
      std::size_t stop = close == std::string_view::npos ? n : close + 2;
      bool executable = i + 2 < n && text[i + 2] == '!';  // /*! ... */ is code to MariaDB
      if (executable) {
        current.append(text.substr(i, stop - i));
        has_code = true;
      } else {
        current += ' ';
      }
      i = stop;
    } else if (text.compare(i, delimiter.size(), delimiter) == 0) {
      flush();
      i += delimiter.size();
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) has_code = true;
      current += c;
      ++i;
    }
  }
  flush();
  return statements;
}

Status applyMigrations(ConnectionManager& manager, const std::string& dir) {
  auto files = listMigrations(dir);
  if (!files.ok()) return files.status();

  auto opened = manager.openDedicatedSession();
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Session> session = std::move(opened).value();
  const char* current = "migrate";
  std::string current_name;
  try {
    {
      auto& lock = session->prepare("SELECT GET_LOCK(?, ?)");
      Params(lock).str(kLockName).i32(kLockWaitSeconds);
      std::unique_ptr<sql::ResultSet> rows(lock.executeQuery());
      if (!rows->next() || rows->isNull(1) || rows->getInt(1) != 1) {
        return Status::Unavailable("migrate: another process holds the migration lock");
      }
    }
    session->executeStatic(kCreateSchemaMigrations);

    std::map<int, std::string> applied;  // version -> checksum
    {
      auto& statement = session->prepare("SELECT version, checksum FROM schema_migrations");
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) applied[rows->getInt(1)] = getString(*rows, 2);
    }
    const int max_applied = applied.empty() ? 0 : applied.rbegin()->first;

    int count = 0;
    for (const MigrationFile& file : files.value()) {
      std::string text;
      if (!readFile(file.path, text)) return Status::InvalidArgument("migrate: cannot read " + file.name);
      std::string checksum = sha256Hex(text);
      auto done = applied.find(file.version);
      if (done != applied.end()) {
        if (done->second != checksum) {
          log::warn("migration_changed_after_apply", {{"file", file.name}});
        }
        continue;
      }
      // Work from parallel branches can land a lower number after a higher one was applied: it is
      // applied then too (migrations are written to be independent and idempotent), and noted.
      if (file.version < max_applied) {
        log::warn("migration_out_of_order", {{"file", file.name}, {"max_version", std::to_string(max_applied)}});
      }
      current = "migrate: applying";
      current_name = file.name;
      session->executeStatic("START TRANSACTION");
      for (const std::string& statement : splitSqlStatements(text)) session->executeStatic(statement);
      auto& record = session->prepare("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)");
      Params(record).i32(file.version).str(file.name).str(checksum);
      record.executeUpdate();
      session->connection().commit();
      log::info("migration_applied", {{"file", file.name}, {"version", std::to_string(file.version)}});
      ++count;
    }
    log::info("migrations_done", {{"applied", std::to_string(count)}});
    auto& unlock = session->prepare("SELECT RELEASE_LOCK(?)");
    Params(unlock).str(kLockName);
    std::unique_ptr<sql::ResultSet> released(unlock.executeQuery());
    return Status::Ok();
  } catch (const sql::SQLException& e) {
    try {
      session->connection().rollback();
    } catch (...) {
    }
    // GET_LOCK's lock goes with the session's connection, closed on return.
    Status mapped = statusFromSqlException(e, current);
    if (current_name.empty()) return mapped;
    if (mapped.code() == StatusCode::kUnavailable) return mapped;
    return Status::Internal("migrate: " + current_name + " failed (MySQL error " + std::to_string(e.getErrorCode()) + ")");
  }
}

}  // namespace gateway::persistence::mysql
