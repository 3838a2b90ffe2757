#include "batch/inbound_batch_parser.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include <charconv>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>

namespace gateway::batch {
namespace {

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// The first problem found; every check below returns false after calling fail().
class Problems {
 public:
  bool fail(const xmlNode* at, const std::string& what) {
    if (message_.empty()) message_ = "line " + std::to_string(at ? xmlGetLineNo(at) : 0) + ": " + what;
    return false;
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

std::string nameOf(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

std::string textOf(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string out = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

std::optional<std::string> attributeOf(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return std::nullopt;
  std::string out = reinterpret_cast<const char*>(value);
  xmlFree(value);
  return out;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Calls `visit` for each child element; false (with a problem noted) on non-blank text or an element
// name `visit` does not know, or a single-valued element given twice.
bool forEachChild(Problems& p, const xmlNode* parent, const std::set<std::string>& repeatable,
                  const std::function<bool(const xmlNode*, const std::string&)>& visit) {
  std::set<std::string> seen;
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_COMMENT_NODE) continue;
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (!trimmed(textOf(c)).empty()) return p.fail(c, "unexpected text in <" + nameOf(parent) + ">");
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) return p.fail(c, "unexpected content in <" + nameOf(parent) + ">");
    const std::string name = nameOf(c);
    if (c->ns) return p.fail(c, "<" + name + "> must not be in a namespace");
    if (!seen.insert(name).second && repeatable.count(name) == 0) return p.fail(c, "<" + name + "> given twice");
    if (!visit(c, name)) return false;
  }
  return true;
}

bool parseInt(Problems& p, const xmlNode* node, int& out) {
  const std::string text = trimmed(textOf(node));
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return p.fail(node, "<" + nameOf(node) + "> must be a whole number");
  }
  return true;
}

bool parseOptInt(Problems& p, const xmlNode* node, std::optional<int>& out) {
  int value = 0;
  if (!parseInt(p, node, value)) return false;
  out = value;
  return true;
}

// xsd:dateTime: YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]; no offset means UTC.
bool parseDateTime(Problems& p, const xmlNode* node, std::time_t& out) {
  static const std::regex pattern(
      R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,7})?(Z|([+-])(\d{2}):(\d{2}))?)");
  const std::string text = trimmed(textOf(node));
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return p.fail(node, "<" + nameOf(node) + "> must be an xsd:dateTime");
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return p.fail(node, "<" + nameOf(node) + "> is not a valid date and time");
  }
  std::time_t t = timegm(&tm);
  if (m[9].matched) {
    const int offset = (std::stoi(m[10]) * 60 + std::stoi(m[11])) * 60;
    t += m[9] == "+" ? -offset : offset;
  }
  out = t;
  return true;
}

bool parseOptDateTime(Problems& p, const xmlNode* node, std::optional<std::time_t>& out) {
  std::time_t t = 0;
  if (!parseDateTime(p, node, t)) return false;
  out = t;
  return true;
}

bool parseBase64(Problems& p, const xmlNode* node, std::string& out) {
  std::string text;
  for (char c : textOf(node)) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') text += c;
  }
  if (text.empty()) {
    out.clear();
    return true;
  }
  static const std::regex pattern("[A-Za-z0-9+/]*={0,2}");
  if (text.size() % 4 != 0 || !std::regex_match(text, pattern)) {
    return p.fail(node, "<" + nameOf(node) + "> must be base64");
  }
  out.assign(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return p.fail(node, "<" + nameOf(node) + "> must be base64");
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return true;
}

bool requireAll(Problems& p, const xmlNode* node, const std::set<std::string>& seen,
                const std::vector<std::string>& required) {
  for (const auto& r : required) {
    if (seen.count(r) == 0) return p.fail(node, "<" + nameOf(node) + "> needs <" + r + ">");
  }
  return true;
}

const std::set<std::string>& attachmentTypes() {
  static const std::set<std::string> types = {
      "application_None", "application_pdf", "application_msword", "application_vnd_ms_excel",
      "application_vnd_oasis_opendocument_text", "application_vnd_oasis_opendocument_presentation",
      "application_vnd_oasis_opendocument_spreadsheet", "application_rtf", "application_vnd_ms_powerpoint",
      "application_postscript", "application_zip", "text_plain", "text_html", "text_xml", "text_rtf", "text_richtext",
      "binary_octet_stream", "not_Applicable", "MTOM", "formtask_pdf"};
  return types;
}

bool parsePrefillForm(Problems& p, const xmlNode* node, core::PrefillFormInput& form) {
  std::set<std::string> seen;
  bool ok = forEachChild(p, node, {}, [&](const xmlNode* c, const std::string& name) {
    seen.insert(name);
    if (name == "DataFormatID") return form.data_format_id = trimmed(textOf(c)), true;
    if (name == "DataFormatVersion") return parseInt(p, c, form.data_format_version);
    if (name == "FormDataXML") return form.form_data = textOf(c), true;
    if (name == "SendersReference") return form.senders_reference = textOf(c), true;
    return p.fail(c, "unknown element <" + name + "> in <PrefillForm>");
  });
  return ok && requireAll(p, node, seen, {"DataFormatID", "DataFormatVersion", "FormDataXML"});
}

bool parsePrefillAttachment(Problems& p, const xmlNode* node, core::PrefillAttachmentInput& attachment,
                            std::list<std::string>& storage) {
  std::set<std::string> seen;
  bool ok = forEachChild(p, node, {}, [&](const xmlNode* c, const std::string& name) {
    seen.insert(name);
    if (name == "AttachmentName") return attachment.name = textOf(c), true;
    if (name == "FileName") return attachment.file_name = textOf(c), true;
    if (name == "SendersReference") return attachment.senders_reference = textOf(c), true;
    if (name == "AttachmentType") {
      attachment.attachment_type = trimmed(textOf(c));
      if (attachmentTypes().count(attachment.attachment_type) == 0) return p.fail(c, "unknown AttachmentType");
      return true;
    }
    if (name == "AttachmentData") {
      std::string bytes;
      if (!parseBase64(p, c, bytes)) return false;
      attachment.data = storage.emplace_back(std::move(bytes));
      return true;
    }
    return p.fail(c, "unknown element <" + name + "> in <PrefillFormTaskAttachment>");
  });
  return ok && requireAll(p, node, seen, {"AttachmentData", "AttachmentName", "AttachmentType", "FileName"});
}

bool parsePrefillTask(Problems& p, const xmlNode* node, core::PrefillTaskInput& task, std::list<std::string>& storage) {
  std::set<std::string> seen;
  bool ok = forEachChild(p, node, {}, [&](const xmlNode* c, const std::string& name) {
    seen.insert(name);
    if (name == "ExternalServiceCode") return task.service_code = trimmed(textOf(c)), true;
    if (name == "ExternalServiceEditionCode") return parseInt(p, c, task.service_edition);
    if (name == "ExternalShipmentReference") return task.external_shipment_reference = textOf(c), true;
    if (name == "Reportee") return task.reportee = trimmed(textOf(c)), true;
    if (name == "ServiceOwnerCode") return task.service_owner_code = trimmed(textOf(c)), true;
    if (name == "SendersReference") return task.senders_reference = textOf(c), true;
    if (name == "ValidFromDate") return parseDateTime(p, c, task.valid_from);
    if (name == "ValidToDate") return parseDateTime(p, c, task.valid_to);
    if (name == "PreFillForms") {
      return forEachChild(p, c, {"PrefillForm"}, [&](const xmlNode* f, const std::string& fname) {
        if (fname != "PrefillForm") return p.fail(f, "unknown element <" + fname + "> in <PreFillForms>");
        return parsePrefillForm(p, f, task.forms.emplace_back());
      });
    }
    if (name == "PreFillAttachments") {
      return forEachChild(p, c, {"PrefillFormTaskAttachment"}, [&](const xmlNode* a, const std::string& aname) {
        if (aname != "PrefillFormTaskAttachment") {
          return p.fail(a, "unknown element <" + aname + "> in <PreFillAttachments>");
        }
        return parsePrefillAttachment(p, a, task.attachments.emplace_back(), storage);
      });
    }
    return p.fail(c, "unknown element <" + name + "> in <PrefillFormTask>");
  });
  return ok && requireAll(p, node, seen,
                          {"ExternalServiceCode", "ExternalServiceEditionCode", "Reportee", "ValidFromDate",
                           "ValidToDate"});
}

bool parseSubscription(Problems& p, const xmlNode* node, core::SubscriptionInput& in) {
  std::set<std::string> seen;
  bool ok = forEachChild(p, node, {}, [&](const xmlNode* c, const std::string& name) {
    seen.insert(name);
    if (name == "CaseId") return parseOptInt(p, c, in.case_id);
    if (name == "ExpirationDate") return parseOptDateTime(p, c, in.expiration_date);
    if (name == "ExternalServiceCode") return in.service_code = trimmed(textOf(c)), true;
    if (name == "ExternalServiceEditionCode") return parseOptInt(p, c, in.service_edition);
    if (name == "IdentityFields") {
      return forEachChild(p, c, {"SubscriptionIdentityFieldExternal"}, [&](const xmlNode* f, const std::string& n) {
        if (n != "SubscriptionIdentityFieldExternal") return p.fail(f, "unknown element <" + n + "> in <IdentityFields>");
        std::string value;
        bool good = forEachChild(p, f, {}, [&](const xmlNode* v, const std::string& vn) {
          if (vn != "FieldValue") return p.fail(v, "unknown element <" + vn + "> in <SubscriptionIdentityFieldExternal>");
          value = textOf(v);
          return true;
        });
        in.identity_fields.push_back(value);
        return good;
      });
    }
    if (name == "NextDueDate") return parseDateTime(p, c, in.next_due_date);
    if (name == "NextScheduleDate") return parseDateTime(p, c, in.next_schedule_date);
    if (name == "ReporteeId") return in.reportee = trimmed(textOf(c)), true;
    if (name == "StartDate") return parseDateTime(p, c, in.start_date);
    if (name == "SubscriptionID") return parseOptInt(p, c, in.subscription_id);
    if (name == "SubscriptionPeriodType") return in.period_type = trimmed(textOf(c)), true;
    if (name == "UserType") return parseOptInt(p, c, in.user_type);
    if (name == "VisibleDate") return parseOptDateTime(p, c, in.visible_date);
    return p.fail(c, "unknown element <" + name + "> in <Subscription>");
  });
  return ok && requireAll(p, node, seen,
                          {"ExternalServiceCode", "NextDueDate", "NextScheduleDate", "ReporteeId", "StartDate",
                           "SubscriptionPeriodType"});
}

// The root's attributes: version="1", systemUserName, externalBatchId (all required, nothing else).
template <typename Document>
bool parseHeader(Problems& p, const xmlNode* root, Document& doc) {
  for (const xmlAttr* a = root->properties; a; a = a->next) {
    const std::string name = reinterpret_cast<const char*>(a->name);
    if (name != "version" && name != "systemUserName" && name != "externalBatchId") {
      return p.fail(root, "unknown attribute " + name);
    }
  }
  if (attributeOf(root, "version") != "1") return p.fail(root, "version=\"1\" is required");
  auto user = attributeOf(root, "systemUserName");
  auto batch_id = attributeOf(root, "externalBatchId");
  if (!user || trimmed(*user).empty()) return p.fail(root, "systemUserName is required");
  if (!batch_id || trimmed(*batch_id).empty()) {
    return p.fail(root, "externalBatchId is required (it makes a file that is picked up twice count once)");
  }
  doc.system_user_name = trimmed(*user);
  doc.external_batch_id = trimmed(*batch_id);
  return true;
}

}  // namespace

Result<InboundBatchDocument> parseInboundBatch(std::string_view xml, int max_items) {
  if (xml.size() > static_cast<std::size_t>(INT32_MAX)) return Status::InvalidArgument("the file is too large");
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
  if (!ctxt) return Status::Internal("libxml2: no parser context");
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;  // no NOENT, no DTDLOAD
  DocPtr doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "batch.xml", nullptr, options),
             &xmlFreeDoc);
  if (!doc) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    std::string what = err && err->message ? trimmed(err->message) : "not well-formed";
    return Status::InvalidArgument("line " + std::to_string(err ? err->line : 0) + ": not well-formed XML (" + what +
                                   ")");
  }
  if (doc->intSubset || doc->extSubset) return Status::InvalidArgument("a DTD is not allowed");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return Status::InvalidArgument("empty document");
  const std::string root_name = nameOf(root);
  if (root->ns) return Status::InvalidArgument("line 1: the root element must not be in a namespace");
  Problems p;
  int items = 0;
  auto countItem = [&](const xmlNode* at) {
    if (++items > max_items) return p.fail(at, "more than " + std::to_string(max_items) + " items in one file");
    return true;
  };
  if (root_name == "PrefillBatchFile") {
    PrefillBatchDocument out;
    bool ok = parseHeader(p, root, out) &&
              forEachChild(p, root, {"PrefillFormTask"}, [&](const xmlNode* c, const std::string& name) {
                if (name == "SystemUserCode") return out.system_user_code = trimmed(textOf(c)), true;
                if (name != "PrefillFormTask") return p.fail(c, "unknown element <" + name + "> in <PrefillBatchFile>");
                return countItem(c) && parsePrefillTask(p, c, out.tasks.emplace_back(), out.attachment_bytes);
              });
    if (ok && out.tasks.empty()) ok = p.fail(root, "no <PrefillFormTask>");
    if (!ok) return Status::InvalidArgument(p.message());
    return InboundBatchDocument(std::move(out));
  }
  if (root_name == "SubscriptionBatchFile") {
    SubscriptionBatchDocument out;
    bool ok = parseHeader(p, root, out) &&
              forEachChild(p, root, {"Subscription"}, [&](const xmlNode* c, const std::string& name) {
                if (name == "SystemUserCode") return out.system_user_code = trimmed(textOf(c)), true;
                if (name != "Subscription") return p.fail(c, "unknown element <" + name + "> in <SubscriptionBatchFile>");
                return countItem(c) && parseSubscription(p, c, out.subscriptions.emplace_back());
              });
    if (ok && out.subscriptions.empty()) ok = p.fail(root, "no <Subscription>");
    if (!ok) return Status::InvalidArgument(p.message());
    return InboundBatchDocument(std::move(out));
  }
  return Status::InvalidArgument("line " + std::to_string(xmlGetLineNo(root)) + ": unknown root element <" +
                                 root_name + ">; expected <PrefillBatchFile> or <SubscriptionBatchFile>");
}

}  // namespace gateway::batch
