#include "core/form_data_check.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <string>

namespace gateway::core {
namespace {

int depthOf(xmlNode* node, int depth, int limit) {
  int deepest = depth;
  for (xmlNode* child = node->children; child && deepest <= limit; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) deepest = std::max(deepest, depthOf(child, depth + 1, limit));
  }
  return deepest;
}

}  // namespace

Status checkFormData(std::string_view xml, int max_depth) {
  if (xml.empty()) return Status::InvalidArgument("FormData is empty");
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (!ctxt) return Status::Internal("cannot allocate XML parser");
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;  // no NOENT, no DTDLOAD
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "FormData", "UTF-8", options),
      xmlFreeDoc);
  if (!doc) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    std::string why = err && err->message ? err->message : "not well-formed";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::InvalidArgument("FormData is not well-formed XML (line " + std::to_string(err ? err->line : 0) +
                                   "): " + why);
  }
  if (doc->intSubset || doc->extSubset) return Status::InvalidArgument("FormData must not contain a DOCTYPE");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return Status::InvalidArgument("FormData has no root element");
  if (depthOf(root, 1, max_depth) > max_depth) {
    return Status::InvalidArgument("FormData nests deeper than " + std::to_string(max_depth) + " levels");
  }
  return Status::Ok();
}

}  // namespace gateway::core
