#pragma once
// Reads the MIME parts that follow an already parsed SOAP root part (SOAP_MIME_POSTCHECK), in place of
// gSOAP's `while (soap_recv_mime_attachment(soap, handle))` loop, which finds each part's end one
// character at a time and hands the body on in 2 KB pieces. Here the body is scanned a whole receive
// buffer at a time (common/mime_part_scanner.h) and goes to the writer in pieces as large as what
// arrived (up to SOAP_BUFLEN).
//
// Works on gSOAP's own receive state: it starts with what is left in soap->buf[bufidx..buflen] and
// refills through soap_recv(), so TLS, chunked transfer-encoding, the Content-Length bound and
// recv_maxlength (both in soap_recv_raw / the context's frecv) and the receive timeouts all apply as
// before; on return soap->bufidx points just past what was read, as gSOAP's loop would leave it.
//
// Same contract as gSOAP's loop: the root part's remainder and every part's headers are read by gSOAP
// (soap_recv_mime_attachment for the root, soap_getmimehdr); each further part goes to
// soap->fmimewriteopen (with `handle`), fmimewrite, fmimewriteclose, and its xop:Include reference is
// resolved as gSOAP resolves it. After the close delimiter, SOAP_ENC_MIME is cleared and soap_end_recv()
// runs as in gSOAP. A part that fmimewriteopen declines without setting soap->error is refused
// (SOAP_MIME_ERROR): parts are never kept in memory.
//
// Returns soap->error: SOAP_OK when every part was read to the close delimiter; the fmimewrite
// callback's error when it refused a piece; SOAP_EOF (or the transport's error) when the stream ended
// before the close delimiter; SOAP_MIME_ERROR on bad framing. On every failure the context goes
// through soap_closesock() as gSOAP's loop does (which closes the socket on EOF and transport errors).

#include <stdsoap2.h>

namespace gateway::mime {

int readMimeParts(struct soap* soap, void* handle);

}  // namespace gateway::mime
