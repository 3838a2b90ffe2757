#include "core/form_data_check.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <cstring>
#include <memory>
#include <string>

namespace gateway::core {
namespace {

// One SAX pass, no tree: the check runs on every submitted form, and building a document only to
// throw it away cost about twice as much. Only element starts/ends and a DOCTYPE are looked at; text
// is skipped. Entities: no DTD is ever read (a DOCTYPE stops the parse), so only the five predefined
// ones and character references exist; anything else is an undeclared-entity error.
struct Walk {
  int depth = 0;
  int max_depth = 0;
  bool too_deep = false;
  bool doctype = false;
  bool root_seen = false;
};

Walk& walkOf(void* ctx) { return *static_cast<Walk*>(static_cast<xmlParserCtxtPtr>(ctx)->_private); }

void onStart(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**, int, int,
             const xmlChar**) {
  Walk& walk = walkOf(ctx);
  walk.root_seen = true;
  if (++walk.depth > walk.max_depth) {
    walk.too_deep = true;
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
  }
}

void onEnd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { --walkOf(ctx).depth; }

void onDoctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  walkOf(ctx).doctype = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

const xmlSAXHandler& handler() {
  static const xmlSAXHandler sax = [] {
    xmlSAXHandler h;
    std::memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = onStart;
    h.endElementNs = onEnd;
    h.internalSubset = onDoctype;
    return h;
  }();
  return sax;
}

}  // namespace

Status checkFormData(std::string_view xml, int max_depth) {
  if (xml.empty()) return Status::InvalidArgument("FormData is empty");
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(
      xmlCreateMemoryParserCtxt(xml.data(), static_cast<int>(xml.size())), xmlFreeParserCtxt);
  if (!ctxt) return Status::Internal("cannot allocate XML parser");
  // The context comes with the default SAX2 handler (which builds a tree); use ours instead.
  std::memcpy(ctxt->sax, &handler(), sizeof(xmlSAXHandler));
  Walk walk;
  walk.max_depth = max_depth;
  ctxt->_private = &walk;
  xmlCtxtUseOptions(ctxt.get(), XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);  // no NOENT, no DTDLOAD
  xmlSwitchEncoding(ctxt.get(), XML_CHAR_ENCODING_UTF8);
  xmlParseDocument(ctxt.get());

  if (walk.doctype) return Status::InvalidArgument("FormData must not contain a DOCTYPE");
  if (walk.too_deep) {
    return Status::InvalidArgument("FormData nests deeper than " + std::to_string(max_depth) + " levels");
  }
  if (!ctxt->wellFormed) {
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    std::string why = err && err->message ? err->message : "not well-formed";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::InvalidArgument("FormData is not well-formed XML (line " + std::to_string(err ? err->line : 0) +
                                   "): " + why);
  }
  if (!walk.root_seen) return Status::InvalidArgument("FormData has no root element");
  return Status::Ok();
}

}  // namespace gateway::core
