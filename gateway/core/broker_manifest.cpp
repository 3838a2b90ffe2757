#include "core/broker_manifest.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <set>

#include "core/broker_schemas.h"
#include "core/party_numbers.h"

namespace gateway::core {
namespace {

constexpr std::size_t kMaxDocumentBytes = 1024 * 1024;
constexpr std::size_t kMaxMessage = 300;

void appendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

void element(std::string& out, const char* name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  appendEscaped(out, value);
  out += "</";
  out += name;
  out += '>';
}

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// A compiled schema, parsed once from the embedded text. A parsed xmlSchema may be used by many
// validation contexts at once (libxml2 keeps validation state in the context).
class CompiledSchema {
 public:
  explicit CompiledSchema(const char* xsd) {
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewMemParserCtxt(xsd, static_cast<int>(std::string_view(xsd).size()));
    if (parser) {
      schema_ = xmlSchemaParse(parser);
      xmlSchemaFreeParserCtxt(parser);
    }
  }
  ~CompiledSchema() {
    if (schema_) xmlSchemaFree(schema_);
  }
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;
  xmlSchemaPtr get() const { return schema_; }

 private:
  xmlSchemaPtr schema_ = nullptr;
};

void collectFirstError(void* context, const xmlError* error) {
  auto* message = static_cast<std::string*>(context);
  if (!message->empty() || !error || !error->message) return;
  std::string text = error->message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  // The offending value stays out: it may be a person's number, and messages reach the log.
  for (std::size_t at = text.find("The value '"); at != std::string::npos; at = text.find("The value '", at)) {
    const std::size_t end = text.find('\'', at + 11);
    if (end == std::string::npos) break;
    text.erase(at + 9, end - at - 9 + 1);  // "The value '...'" -> "The value"
    at += 9;
  }
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "...";
  *message = text;
}

// Parses and validates `xml` as a `what` document; the document on success.
Result<DocPtr> validated(std::string_view xml, const CompiledSchema& schema, const char* what) {
  if (xml.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (xml.size() > kMaxDocumentBytes) return Status::InvalidArgument(std::string(what) + " is larger than 1 MiB");
  if (!schema.get()) return Status::Internal(std::string(what) + " schema did not compile");
  // No entity expansion, no DTD loading, no network (GSOAP-NOTES.md).
  DocPtr doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             xmlFreeDoc);
  if (!doc) return Status::InvalidArgument(std::string(what) + " is not well-formed XML");
  if (doc->intSubset || doc->extSubset) return Status::InvalidArgument(std::string(what) + " must not carry a DOCTYPE");
  std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> ctxt(xmlSchemaNewValidCtxt(schema.get()),
                                                                             xmlSchemaFreeValidCtxt);
  if (!ctxt) return Status::Internal("schema validation context");
  std::string message;
  xmlSchemaSetValidStructuredErrors(ctxt.get(), reinterpret_cast<xmlStructuredErrorFunc>(collectFirstError), &message);
  const int rc = xmlSchemaValidateDoc(ctxt.get(), doc.get());
  if (rc != 0) {
    if (message.empty()) message = "does not satisfy the schema";
    return Status::InvalidArgument(std::string(what) + " is invalid: " + message);
  }
  return doc;
}

bool is(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

std::string textOf(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string text = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return text;
}

const CompiledSchema& manifestSchema() {
  static const CompiledSchema schema(brokerManifestXsd());
  return schema;
}

const CompiledSchema& recipientListSchema() {
  static const CompiledSchema schema(brokerRecipientListXsd());
  return schema;
}

}  // namespace

std::string manifestXml(const BrokerManifest& m) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceManifest xmlns=\"";
  out += kBrokerManifestNamespace;
  out += "\">";
  element(out, "ExternalServiceCode", m.service_code);
  element(out, "ExternalServiceEditionCode", std::to_string(m.service_edition));
  element(out, "SendersReference", m.senders_reference);
  element(out, "Reportee", m.reportee);
  if (!m.files.empty()) {
    out += "<FileList>";
    for (const auto& f : m.files) {
      out += "<File>";
      element(out, "FileName", f.file_name);
      if (!f.checksum.empty()) element(out, "CheckSum", f.checksum);
      out += "</File>";
    }
    out += "</FileList>";
  }
  if (!m.properties.empty()) {
    out += "<PropertyList>";
    for (const auto& p : m.properties) {
      out += "<Property>";
      element(out, "PropertyKey", p.key);
      element(out, "PropertyValue", p.value);
      out += "</Property>";
    }
    out += "</PropertyList>";
  }
  out += "</BrokerServiceManifest>\n";
  return out;
}

std::string recipientListXml(const std::vector<std::string>& recipients) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceRecipientList xmlns=\"";
  out += kBrokerManifestNamespace;
  out += "\">";
  for (const auto& r : recipients) {
    out += "<Recipient>";
    element(out, "PartyNumber", r);
    out += "</Recipient>";
  }
  out += "</BrokerServiceRecipientList>\n";
  return out;
}

Result<BrokerManifest> parseManifest(std::string_view xml) {
  auto doc = validated(xml, manifestSchema(), "the manifest");
  if (!doc.ok()) return doc.status();
  BrokerManifest m;
  for (const xmlNode* n = xmlDocGetRootElement(doc->get())->children; n; n = n->next) {
    if (is(n, "ExternalServiceCode")) m.service_code = textOf(n);
    if (is(n, "ExternalServiceEditionCode")) m.service_edition = std::stoi(textOf(n));  // schema: 1..INT_MAX
    if (is(n, "SendersReference")) m.senders_reference = textOf(n);
    if (is(n, "Reportee")) m.reportee = textOf(n);
    if (is(n, "FileList")) {
      for (const xmlNode* f = n->children; f; f = f->next) {
        if (!is(f, "File")) continue;
        BrokerManifestFile file;
        for (const xmlNode* c = f->children; c; c = c->next) {
          if (is(c, "FileName")) file.file_name = textOf(c);
          if (is(c, "CheckSum")) file.checksum = textOf(c);
        }
        m.files.push_back(std::move(file));
      }
    }
    if (is(n, "PropertyList")) {
      for (const xmlNode* p = n->children; p; p = p->next) {
        if (!is(p, "Property")) continue;
        BrokerManifestProperty property;
        for (const xmlNode* c = p->children; c; c = c->next) {
          if (is(c, "PropertyKey")) property.key = textOf(c);
          if (is(c, "PropertyValue")) property.value = textOf(c);
        }
        m.properties.push_back(std::move(property));
      }
    }
  }
  if (!isValidReportee(m.reportee)) {
    return Status::InvalidArgument("the manifest is invalid: Reportee is not a valid organisation or national identity number");
  }
  return m;
}

Result<std::vector<std::string>> parseRecipientList(std::string_view xml) {
  auto doc = validated(xml, recipientListSchema(), "the recipient list");
  if (!doc.ok()) return doc.status();
  std::vector<std::string> recipients;
  std::set<std::string> seen;
  int position = 0;
  for (const xmlNode* n = xmlDocGetRootElement(doc->get())->children; n; n = n->next) {
    if (!is(n, "Recipient")) continue;
    ++position;
    // By position: the number may be a person's, and messages reach the log.
    const std::string where = "the recipient list is invalid: Recipient " + std::to_string(position) + ": PartyNumber";
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (!is(c, "PartyNumber")) continue;
      std::string party = textOf(c);
      if (!isValidReportee(party)) {
        return Status::InvalidArgument(where + " is not a valid organisation or national identity number");
      }
      if (!seen.insert(party).second) return Status::InvalidArgument(where + " is listed twice");
      recipients.push_back(std::move(party));
    }
  }
  return recipients;
}

}  // namespace gateway::core
