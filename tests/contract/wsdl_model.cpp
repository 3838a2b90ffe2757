#include "wsdl_model.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <set>
#include <utility>

namespace gateway::testing::wsdl {
namespace {

constexpr const char* kWsdlNs = "http://schemas.xmlsoap.org/wsdl/";
constexpr const char* kSoap11Ns = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr const char* kSoap12Ns = "http://schemas.xmlsoap.org/wsdl/soap12/";

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool is(const xmlNode* node, const char* ns, const char* local) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), ns) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(node->name), local) == 0;
}

bool isSoap(const xmlNode* node, const char* local) {
  return is(node, kSoap11Ns, local) || is(node, kSoap12Ns, local);
}

std::vector<const xmlNode*> children(const xmlNode* node) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

const xmlNode* firstChild(const xmlNode* node, const char* ns, const char* local) {
  for (const xmlNode* c : children(node)) {
    if (is(c, ns, local)) return c;
  }
  return nullptr;
}

const xmlNode* firstSoapChild(const xmlNode* node, const char* local) {
  for (const xmlNode* c : children(node)) {
    if (isSoap(c, local)) return c;
  }
  return nullptr;
}

std::optional<std::string> attr(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(const_cast<xmlNode*>(node), reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

std::string attrOr(const xmlNode* node, const char* name, std::string fallback) {
  return attr(node, name).value_or(std::move(fallback));
}

std::string tagOf(const xmlNode* node) {
  std::string ns = node->ns != nullptr ? reinterpret_cast<const char*>(node->ns->href) : "";
  return "{" + ns + "}" + reinterpret_cast<const char*>(node->name);
}

}  // namespace

// Builds a Document from one parsed tree; all libxml2 access stays in here.
class Loader {
 public:
  Loader(xmlDoc* doc, Document& out) : doc_(doc), out_(out) {}

  bool run(std::string* error) {
    const xmlNode* root = xmlDocGetRootElement(doc_);
    if (!is(root, kWsdlNs, "definitions")) return fail(error, "root element is not wsdl:definitions");
    out_.target_namespace_ = attrOr(root, "targetNamespace", "");

    for (const xmlNode* c : children(root)) {
      if (is(c, kWsdlNs, "import")) out_.external_.push_back("wsdl:import " + attrOr(c, "location", "?"));
      if (is(c, kWsdlNs, "types")) {
        for (const xmlNode* schema : children(c)) {
          if (is(schema, kXsdNs, "schema")) loadSchema(schema);
        }
      }
    }
    for (const xmlNode* c : children(root)) {
      if (is(c, kWsdlNs, "message")) loadMessage(c);
      if (is(c, kWsdlNs, "portType")) loadPortType(c);
    }
    for (const xmlNode* c : children(root)) {
      if (is(c, kWsdlNs, "binding")) loadBinding(c);
      if (is(c, kWsdlNs, "service")) loadService(c);
    }
    if (out_.bindings_.empty()) return fail(error, "no wsdl:binding");
    checkReferences();
    return true;
  }

 private:
  enum class RefKind { kType, kElement, kMessage, kPortType, kBinding };
  struct Reference {
    RefKind kind;
    QName name;
    std::string where;
  };
  struct PortTypeOp {
    std::optional<QName> input, output;
    std::vector<std::pair<std::string, std::optional<QName>>> faults;  // name, message
  };

  static bool fail(std::string* error, const std::string& message) {
    if (error != nullptr) *error = message;
    return false;
  }

  // Resolves a prefixed (or unprefixed: default namespace) QName in scope at `node`.
  QName resolve(const xmlNode* node, const std::string& value) {
    std::string prefix;
    std::string local = value;
    if (auto colon = value.find(':'); colon != std::string::npos) {
      prefix = value.substr(0, colon);
      local = value.substr(colon + 1);
    }
    xmlNs* ns = xmlSearchNs(doc_, const_cast<xmlNode*>(node),
                            prefix.empty() ? nullptr : reinterpret_cast<const xmlChar*>(prefix.c_str()));
    QName q{ns != nullptr ? reinterpret_cast<const char*>(ns->href) : "", local};
    if (ns == nullptr && !prefix.empty()) q.ns = "<undeclared prefix " + prefix + ">";
    return q;
  }

  QName refAttr(const xmlNode* node, const char* name, RefKind kind) {
    QName q = resolve(node, attrOr(node, name, ""));
    refs_.push_back({kind, q, tagOf(node) + "/@" + name});
    return q;
  }

  void loadSchema(const xmlNode* schema) {
    const std::string tns = attrOr(schema, "targetNamespace", "");
    const bool qualified = attrOr(schema, "elementFormDefault", "unqualified") == "qualified";
    for (const xmlNode* c : children(schema)) {
      if (is(c, kXsdNs, "import") && attr(c, "schemaLocation")) {
        out_.external_.push_back("xsd:import " + *attr(c, "schemaLocation"));
      } else if (is(c, kXsdNs, "include") || is(c, kXsdNs, "redefine")) {
        out_.external_.push_back(tagOf(c) + " " + attrOr(c, "schemaLocation", "?"));
      } else if (is(c, kXsdNs, "element")) {
        Particle p = particle(c, tns, qualified);
        p.ns = tns;  // global elements are always qualified
        out_.elements_[{tns, p.name}] = std::move(p);
      } else if (is(c, kXsdNs, "complexType") || is(c, kXsdNs, "simpleType")) {
        out_.types_[{tns, attrOr(c, "name", "")}] = typeDef(c, tns, qualified);
      }
    }
  }

  Particle particle(const xmlNode* e, const std::string& tns, bool qualified_default) {
    Particle p;
    p.name = attrOr(e, "name", "");
    const std::string form = attrOr(e, "form", qualified_default ? "qualified" : "unqualified");
    p.ns = form == "qualified" ? tns : "";
    p.min_occurs = attrOr(e, "minOccurs", "1");
    p.max_occurs = attrOr(e, "maxOccurs", "1");
    p.nillable = attrOr(e, "nillable", "false") == "true";
    if (attr(e, "ref")) {
      p.ref = refAttr(e, "ref", RefKind::kElement);
      p.name = p.ref->local;
      p.ns = p.ref->ns;
    }
    if (attr(e, "type")) {
      p.type_name = refAttr(e, "type", RefKind::kType);
    } else {
      for (const xmlNode* c : children(e)) {
        if (is(c, kXsdNs, "complexType") || is(c, kXsdNs, "simpleType")) p.inline_type = typeDef(c, tns, qualified_default);
      }
    }
    return p;
  }

  std::shared_ptr<const TypeDef> typeDef(const xmlNode* t, const std::string& tns, bool qualified) {
    auto def = std::make_shared<TypeDef>();
    if (is(t, kXsdNs, "simpleType")) {
      def->kind = TypeDef::Kind::kSimple;
      for (const xmlNode* c : children(t)) {
        if (is(c, kXsdNs, "annotation")) continue;
        if (!is(c, kXsdNs, "restriction")) {
          def->unsupported.push_back(tagOf(c));
          continue;
        }
        def->base = refAttr(c, "base", RefKind::kType);
        for (const xmlNode* facet : children(c)) {
          if (is(facet, kXsdNs, "enumeration")) def->enumerations.push_back(attrOr(facet, "value", ""));
          else if (is(facet, kXsdNs, "pattern")) def->patterns.push_back(attrOr(facet, "value", ""));
          else if (!is(facet, kXsdNs, "annotation")) def->unsupported.push_back(tagOf(facet));
        }
      }
      return def;
    }
    def->kind = TypeDef::Kind::kComplex;
    const xmlNode* body = t;
    for (const xmlNode* c : children(t)) {
      if (!is(c, kXsdNs, "complexContent")) continue;
      for (const xmlNode* e : children(c)) {
        if (is(e, kXsdNs, "extension")) {
          def->extends = refAttr(e, "base", RefKind::kType);
          body = e;
        } else if (!is(e, kXsdNs, "annotation")) {
          def->unsupported.push_back(tagOf(e));
        }
      }
    }
    for (const xmlNode* c : children(body)) {
      if (is(c, kXsdNs, "annotation") || (body == t && is(c, kXsdNs, "complexContent"))) continue;
      if (!is(c, kXsdNs, "sequence")) {
        def->unsupported.push_back(tagOf(c));
        continue;
      }
      for (const xmlNode* e : children(c)) {
        if (is(e, kXsdNs, "element")) def->sequence.push_back(particle(e, tns, qualified));
        else if (!is(e, kXsdNs, "annotation")) def->unsupported.push_back(tagOf(e));
      }
    }
    return def;
  }

  void loadMessage(const xmlNode* m) {
    std::vector<QName> parts;
    const QName message{out_.target_namespace_, attrOr(m, "name", "")};
    for (const xmlNode* p : children(m)) {
      if (!is(p, kWsdlNs, "part")) continue;
      if (attr(p, "element")) parts.push_back(refAttr(p, "element", RefKind::kElement));
      else if (attr(p, "type")) parts.push_back(refAttr(p, "type", RefKind::kType));
      else continue;
      part_elements_[{message, attrOr(p, "name", "")}] = parts.back();
    }
    messages_[message] = parts;
  }

  void loadPortType(const xmlNode* pt) {
    auto& ops = port_types_[{out_.target_namespace_, attrOr(pt, "name", "")}];
    for (const xmlNode* o : children(pt)) {
      if (!is(o, kWsdlNs, "operation")) continue;
      PortTypeOp op;
      if (const xmlNode* in = firstChild(o, kWsdlNs, "input")) op.input = refAttr(in, "message", RefKind::kMessage);
      if (const xmlNode* o2 = firstChild(o, kWsdlNs, "output")) op.output = refAttr(o2, "message", RefKind::kMessage);
      for (const xmlNode* f : children(o)) {
        if (is(f, kWsdlNs, "fault")) op.faults.emplace_back(attrOr(f, "name", ""), refAttr(f, "message", RefKind::kMessage));
      }
      ops[attrOr(o, "name", "")] = op;
    }
  }

  // The element of a document/literal message: its single part's element.
  std::optional<QName> messageElement(const std::optional<QName>& message) {
    if (!message) return std::nullopt;
    auto it = messages_.find(*message);
    if (it == messages_.end() || it->second.size() != 1) return std::nullopt;
    return it->second.front();
  }

  void loadBinding(const xmlNode* b) {
    Binding binding;
    binding.name = attrOr(b, "name", "");
    binding.port_type = refAttr(b, "type", RefKind::kPortType);
    std::string default_style = "document";
    if (const xmlNode* sb = firstSoapChild(b, "binding")) {
      binding.soap_version = is(sb, kSoap12Ns, "binding") ? "1.2" : "1.1";
      binding.transport = attrOr(sb, "transport", "");
      default_style = attrOr(sb, "style", "document");
    }
    const auto pt = port_types_.find(binding.port_type);
    for (const xmlNode* o : children(b)) {
      if (!is(o, kWsdlNs, "operation")) continue;
      Operation op;
      op.name = attrOr(o, "name", "");
      op.style = default_style;
      if (const xmlNode* so = firstSoapChild(o, "operation")) {
        op.has_soap_operation = true;
        op.soap_action = attrOr(so, "soapAction", "");
        op.style = attrOr(so, "style", default_style);
      }
      if (const xmlNode* in = firstChild(o, kWsdlNs, "input")) {
        if (const xmlNode* body = firstSoapChild(in, "body")) op.input_use = attrOr(body, "use", "");
        for (const xmlNode* h : children(in)) {
          if (!isSoap(h, "header")) continue;
          auto it = part_elements_.find({refAttr(h, "message", RefKind::kMessage), attrOr(h, "part", "")});
          op.input_headers.push_back(it == part_elements_.end() ? QName{} : it->second);
        }
      }
      if (const xmlNode* o2 = firstChild(o, kWsdlNs, "output")) {
        if (const xmlNode* body = firstSoapChild(o2, "body")) op.output_use = attrOr(body, "use", "");
      }
      if (pt != port_types_.end()) {
        if (auto it = pt->second.find(op.name); it != pt->second.end()) {
          op.input_element = messageElement(it->second.input);
          op.output_element = messageElement(it->second.output);
          for (const auto& [fault_name, message] : it->second.faults) {
            Fault fault;
            fault.name = fault_name;
            fault.element = messageElement(message);
            for (const xmlNode* bf : children(o)) {
              if (is(bf, kWsdlNs, "fault") && attrOr(bf, "name", "") == fault_name) {
                if (const xmlNode* sf = firstSoapChild(bf, "fault")) {
                  fault.bound = attrOr(sf, "name", "") == fault_name;
                  fault.soap_fault_use = attrOr(sf, "use", "");
                }
              }
            }
            op.faults.push_back(std::move(fault));
          }
        }
      }
      binding.operations.push_back(std::move(op));
    }
    out_.bindings_.push_back(std::move(binding));
  }

  void loadService(const xmlNode* s) {
    for (const xmlNode* port : children(s)) {
      if (!is(port, kWsdlNs, "port")) continue;
      const QName binding = refAttr(port, "binding", RefKind::kBinding);
      if (const xmlNode* address = firstSoapChild(port, "address")) {
        out_.addresses_[binding.local] = attrOr(address, "location", "");
      }
    }
  }

  void checkReferences() {
    std::set<QName> bindings;
    for (const Binding& b : out_.bindings_) bindings.insert({out_.target_namespace_, b.name});
    for (const Reference& r : refs_) {
      bool found = false;
      switch (r.kind) {
        case RefKind::kType: found = r.name.ns == kXsdNs || out_.types_.contains(r.name); break;
        case RefKind::kElement: found = out_.elements_.contains(r.name); break;
        case RefKind::kMessage: found = messages_.contains(r.name); break;
        case RefKind::kPortType: found = port_types_.contains(r.name); break;
        case RefKind::kBinding: found = bindings.contains(r.name); break;
      }
      if (!found) out_.unresolved_.push_back(r.where + " -> " + r.name.str());
    }
  }

  xmlDoc* doc_;
  Document& out_;
  std::vector<Reference> refs_;
  std::map<QName, std::vector<QName>> messages_;
  std::map<std::pair<QName, std::string>, QName> part_elements_;  // (message, part name) -> element
  std::map<QName, std::map<std::string, PortTypeOp>> port_types_;
};

const Operation* Binding::operation(const std::string& op_name) const {
  for (const Operation& op : operations) {
    if (op.name == op_name) return &op;
  }
  return nullptr;
}

std::unique_ptr<Document> Document::load(const std::filesystem::path& path, std::string* error) {
  std::unique_ptr<xmlDoc, DocDeleter> doc(xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* last = xmlGetLastError();
    if (error != nullptr) {
      *error = path.string() + ": not well-formed XML" +
               (last != nullptr && last->message != nullptr ? std::string(": ") + last->message : std::string());
    }
    return nullptr;
  }
  std::unique_ptr<Document> out(new Document());
  Loader loader(doc.get(), *out);
  std::string why;
  if (!loader.run(&why)) {
    if (error != nullptr) *error = path.string() + ": " + why;
    return nullptr;
  }
  return out;
}

std::string Document::addressOf(const std::string& binding_name) const {
  auto it = addresses_.find(binding_name);
  return it == addresses_.end() ? std::string() : it->second;
}

const Particle* Document::element(const QName& name) const {
  auto it = elements_.find(name);
  return it == elements_.end() ? nullptr : &it->second;
}

const TypeDef* Document::type(const QName& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

}  // namespace gateway::testing::wsdl
