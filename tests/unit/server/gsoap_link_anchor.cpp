// Linked into the tests that use gateway_server's plain-C++ parts (router, WSDL publisher) but no
// gSOAP call: libgsoapssl++, which gateway_server brings along, leaves `namespaces` and the fault
// accessors for the generated code to define, so pull those objects out of gsoap_stubs.
#include "stdsoap2.h"

extern const void* const gateway_test_gsoap_anchor[];
const void* const gateway_test_gsoap_anchor[] = {&namespaces, reinterpret_cast<const void*>(&soap_faultcode)};
