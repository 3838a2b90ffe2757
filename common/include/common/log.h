#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-23T10:00:00.123Z","level":"info","event":"request","path":"/...","ms":1.2}
// Callers pass only values safe to log: no passwords, no form data, no personal identity numbers.
// Thread-safe (one write(2) per line).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gateway::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Field = std::pair<std::string_view, std::string>;

// Appends `s` to `out` escaped for use inside a JSON string (quotes not added).
void appendJsonEscaped(std::string& out, std::string_view s);

void setLevel(Level level);
bool parseLevel(std::string_view name, Level& out);
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::kDebug, e, f); }
inline void info(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::kInfo, e, f); }
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::kWarn, e, f); }
inline void error(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::kError, e, f); }

}  // namespace gateway::log
