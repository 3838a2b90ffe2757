// gSOAP interface header of the benchmark's echo service (input to soapcpp2, not a C++ header).
// One document/literal operation that returns its string argument: the cheapest SOAP request the
// same gSOAP + mutual-TLS stack can serve, so the gateway's figures can be read as a ratio to it.

//gsoap ns service name: echo
//gsoap ns service namespace: urn:gateway-bench:echo
//gsoap ns service style: document
//gsoap ns service encoding: literal
//gsoap ns schema namespace: urn:gateway-bench:echo
//gsoap ns schema elementForm: qualified

int ns__echo(std::string in, std::string& out);
