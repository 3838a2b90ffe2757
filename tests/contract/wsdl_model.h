// A read-only model of a single-file WSDL 1.1 document, enough to compare two contracts on the
// wire: operations with their SOAPActions, wrapper elements and faults, and the XML Schema types
// reachable from them (sequences of elements and string enumerations, as WCF and XmlSerializer
// emit them). Built with libxml2; network access is disabled while parsing.
//
// Everything is copied out of the libxml2 tree while loading, so a Document owns plain values
// and is safe to read from any thread once loaded.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gateway::testing::wsdl {

inline constexpr const char* kXsdNs = "http://www.w3.org/2001/XMLSchema";

struct QName {
  std::string ns;
  std::string local;

  auto operator<=>(const QName&) const = default;
  std::string str() const { return "{" + ns + "}" + local; }
};

struct TypeDef;

// One xsd:element: a member of a sequence or a global element declaration.
struct Particle {
  std::string name;
  std::string ns;                           // namespace the element has on the wire ("" = unqualified)
  std::string min_occurs = "1";
  std::string max_occurs = "1";
  bool nillable = false;
  std::optional<QName> type_name;           // named type (resolved QName)
  std::shared_ptr<const TypeDef> inline_type;  // anonymous type, when there is no type_name
  std::optional<QName> ref;                 // element ref="..." (not used by our contracts)
};

struct TypeDef {
  enum class Kind { kComplex, kSimple };
  Kind kind = Kind::kComplex;
  // Complex: the children of its single xsd:sequence, in order (for a complexContent extension:
  // the sequence the extension adds after its base type's).
  std::vector<Particle> sequence;
  std::optional<QName> extends;  // complexContent/extension base
  // Anything the model does not understand (complexContent, choice, attributes...), by tag name;
  // comparisons report it instead of silently ignoring it.
  std::vector<std::string> unsupported;
  // Simple: restriction base and facets.
  std::optional<QName> base;
  std::vector<std::string> enumerations;
  std::vector<std::string> patterns;
};

struct Fault {
  std::string name;                 // wsdl:fault name in the portType
  std::optional<QName> element;     // element of the fault message's part
  bool bound = false;               // the binding has wsdl:fault + soap:fault with this name
  std::string soap_fault_use;       // use attribute of soap:fault
};

struct Operation {
  std::string name;
  bool has_soap_operation = false;
  std::string soap_action;          // soap:operation/@soapAction ("" when absent)
  std::string style;                // soap:operation/@style, else soap:binding/@style, else "document"
  std::string input_use;            // soap:body/@use of input and output
  std::string output_use;
  std::optional<QName> input_element;   // element of the single part of the input message
  std::optional<QName> output_element;
  std::vector<QName> input_headers;     // elements of the input's soap:header parts, binding order
  std::vector<Fault> faults;
};

struct Binding {
  std::string name;
  QName port_type;
  std::string soap_version;         // "1.1" or "1.2" (by the namespace of soap:binding)
  std::string transport;
  std::vector<Operation> operations;  // binding order

  const Operation* operation(const std::string& op_name) const;
};

class Document {
 public:
  // Loads and models the file. On failure returns nullptr and sets *error (parse error, no
  // binding...). Documents with several bindings keep them all; the first is binding().
  static std::unique_ptr<Document> load(const std::filesystem::path& path, std::string* error);

  const std::string& targetNamespace() const { return target_namespace_; }
  const std::vector<Binding>& bindings() const { return bindings_; }
  const Binding& binding() const { return bindings_.front(); }
  // soap:address/@location of the port that uses `binding_name` ("" if none).
  std::string addressOf(const std::string& binding_name) const;

  const Particle* element(const QName& name) const;
  const TypeDef* type(const QName& name) const;

  // Every QName the document uses (types, bases, elements, messages, bindings) that it does not
  // itself declare, excluding the XML Schema namespace. A self-contained WSDL has none.
  const std::vector<std::string>& unresolvedReferences() const { return unresolved_; }
  // wsdl:import, xsd:include/redefine and xsd:import carrying a schemaLocation: things a client
  // would have to fetch besides the WSDL.
  const std::vector<std::string>& externalReferences() const { return external_; }

 private:
  Document() = default;

  std::string target_namespace_;
  std::vector<Binding> bindings_;
  std::map<std::string, std::string> addresses_;  // binding local name -> location
  std::map<QName, Particle> elements_;
  std::map<QName, std::shared_ptr<const TypeDef>> types_;
  std::vector<std::string> unresolved_;
  std::vector<std::string> external_;

  friend class Loader;
};

}  // namespace gateway::testing::wsdl
