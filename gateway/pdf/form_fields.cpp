#include "pdf/form_fields.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

namespace gateway::pdf {
namespace {

std::string trimmed(const std::string& s) {
  const char* ws = " \t\r\n";
  const auto begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(ws) - begin + 1);
}

std::string textOf(const xmlNode* node) {
  std::string text;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) && child->content) {
      text += reinterpret_cast<const char*>(child->content);
    }
  }
  return trimmed(text);
}

bool hasElementChildren(const xmlNode* node) {
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

class Walker {
 public:
  Walker(const FormFieldLimits& limits, FormFields& out) : limits_(limits), out_(out) {}

  // Iterative over siblings, recursive over depth (bounded by max_depth).
  void walk(const xmlNode* node, const std::string& parent_path, int depth) {
    for (; node; node = node->next) {
      if (node->type != XML_ELEMENT_NODE) continue;
      if (depth > limits_.max_depth) {
        out_.truncated = true;
        return;
      }
      const std::string path = parent_path.empty() ? name(node) : parent_path + "/" + name(node);
      for (const xmlAttr* attr = node->properties; attr; attr = attr->next) {
        xmlChar* value = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(attr));
        add(path + "/@" + reinterpret_cast<const char*>(attr->name),
            value ? trimmed(reinterpret_cast<const char*>(value)) : std::string(), depth + 1);
        xmlFree(value);
      }
      std::string text = textOf(node);
      const bool leaf = !hasElementChildren(node);
      if (leaf || !text.empty()) add(path, std::move(text), depth);
      if (out_.truncated) return;
      walk(node->children, path, depth + 1);
    }
  }

 private:
  static std::string name(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

  void add(std::string path, std::string value, int depth) {
    if (static_cast<int>(out_.fields.size()) >= limits_.max_fields) {
      out_.truncated = true;
      return;
    }
    out_.fields.push_back({std::move(path), std::move(value), depth});
  }

  const FormFieldLimits& limits_;
  FormFields& out_;
};

}  // namespace

Result<FormFields> formFieldsOf(std::string_view xml, const FormFieldLimits& limits) {
  if (xml.empty()) return Status::InvalidArgument("form data is empty");
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (!ctxt) return Status::Internal("cannot allocate XML parser");
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;  // no NOENT, no DTDLOAD
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "FormData", "UTF-8", options),
      xmlFreeDoc);
  if (!doc) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    return Status::InvalidArgument("form data is not well-formed XML (line " + std::to_string(err ? err->line : 0) +
                                   ")");
  }
  if (doc->intSubset || doc->extSubset) return Status::InvalidArgument("form data must not contain a DOCTYPE");
  FormFields out;
  Walker(limits, out).walk(xmlDocGetRootElement(doc.get()), "", 0);
  return out;
}

}  // namespace gateway::pdf
