#include "server/wsdl_publisher.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace gateway::server {
namespace {

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string joinUrl(std::string_view base, std::string_view path) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (path.empty() || path.front() != '/') url += '/';
  url += path;
  return url;
}

// Escapes the characters that cannot appear raw in an attribute value.
std::string attributeEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string WsdlPublisher::rewriteAddresses(std::string_view wsdl, std::string_view url) {
  const std::string replacement = attributeEscaped(url);
  std::string out;
  out.reserve(wsdl.size() + 256);
  std::size_t pos = 0;
  // Copies wsdl[pos, end) and moves on; false when `end` is past the input (malformed: stop).
  auto copyThrough = [&](std::size_t end) {
    if (end == std::string_view::npos || end > wsdl.size()) return false;
    out.append(wsdl.substr(pos, end - pos));
    pos = end;
    return true;
  };
  auto skipTo = [&](std::string_view terminator) {
    std::size_t end = wsdl.find(terminator, pos);
    return copyThrough(end == std::string_view::npos ? end : end + terminator.size());
  };
  while (pos < wsdl.size()) {
    std::size_t lt = wsdl.find('<', pos);
    if (!copyThrough(lt)) break;
    std::string_view rest = wsdl.substr(pos);
    bool ok = true;
    if (rest.starts_with("<!--")) ok = skipTo("-->");
    else if (rest.starts_with("<![CDATA[")) ok = skipTo("]]>");
    else if (rest.starts_with("<?") || rest.starts_with("<!") || rest.starts_with("</")) ok = skipTo(">");
    if (!ok) break;
    if (pos != lt) continue;

    // A start tag: name, then attributes with quoted values (which may hold '>').
    std::size_t i = lt + 1;
    while (i < wsdl.size() && isNameChar(wsdl[i])) ++i;
    std::string_view name = wsdl.substr(lt + 1, i - lt - 1);
    auto colon = name.rfind(':');
    const bool is_address = (colon == std::string_view::npos ? name : name.substr(colon + 1)) == "address";
    copyThrough(i);
    for (;;) {
      while (i < wsdl.size() && std::isspace(static_cast<unsigned char>(wsdl[i]))) ++i;
      if (i >= wsdl.size()) break;
      if (wsdl[i] == '>' || wsdl[i] == '/') {
        ++i;
        if (i < wsdl.size() && wsdl[i - 1] == '/' && wsdl[i] == '>') ++i;
        copyThrough(i);
        break;
      }
      std::size_t attr_begin = i;
      while (i < wsdl.size() && isNameChar(wsdl[i])) ++i;
      std::string_view attr = wsdl.substr(attr_begin, i - attr_begin);
      while (i < wsdl.size() && (std::isspace(static_cast<unsigned char>(wsdl[i])) || wsdl[i] == '=')) ++i;
      if (attr.empty() || i >= wsdl.size() || (wsdl[i] != '"' && wsdl[i] != '\'')) {
        copyThrough(std::min(i + 1, wsdl.size()));  // not XML we understand: pass it through
        break;
      }
      const char quote = wsdl[i];
      std::size_t close = wsdl.find(quote, i + 1);
      if (close == std::string_view::npos) break;
      if (is_address && attr == "location") {
        copyThrough(i + 1);
        out += replacement;
        pos = close;
      }
      i = close + 1;
      copyThrough(i);
    }
  }
  if (pos < wsdl.size()) out.append(wsdl.substr(pos));
  return out;
}

bool WsdlPublisher::isWsdlQuery(std::string_view query) {
  return iequals(query, "wsdl") || iequals(query, "singlewsdl");
}

Result<WsdlPublisher> WsdlPublisher::load(const std::string& wsdl_dir, const std::string& public_base_url,
                                          const std::vector<services::Endpoint*>& endpoints) {
  WsdlPublisher publisher;
  publisher.documents_.resize(endpoints.size());
  if (wsdl_dir.empty()) return publisher;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::string& file = endpoints[i]->wsdlFile();
    if (file.empty()) continue;
    if (file.find('/') != std::string::npos || file == "..") {
      return Status::InvalidArgument("WSDL file name must not contain a path: " + file);
    }
    std::string path = wsdl_dir + "/" + file;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read WSDL file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return Status::InvalidArgument("cannot read WSDL file " + path);
    publisher.documents_[i] = rewriteAddresses(text.str(), joinUrl(public_base_url, endpoints[i]->path()));
  }
  return publisher;
}

const std::string* WsdlPublisher::wsdlFor(std::size_t index) const {
  if (index >= documents_.size() || documents_[index].empty()) return nullptr;
  return &documents_[index];
}

}  // namespace gateway::server
