#pragma once
// A printable PDF (A4) of one archived form set: service code, edition and name, reportee, archive
// reference, archived time (UTC), case id, every form with every field and value of its form data,
// and the attachment list (name, file name, type, size, SHA-256). Drawn with cairo + pango, so any
// UTF-8 text (Norwegian æ ø å included) is laid out and embedded with its font (DejaVu Sans from
// fonts-dejavu-core; fontconfig picks a substitute when it is missing).
//
// Takes plain records only: no gSOAP, no SQL. Thread-safe: each call has its own surface; pango's
// default font map is per thread.

#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/records.h"

namespace gateway::pdf {

enum class Language { kBokmal, kNynorsk, kEnglish };

// What is rendered at most. Beyond a limit the document says so in place of what was left out;
// it is never an error.
struct PdfLimits {
  int max_pages = 200;                   // the last page carries a "truncated" notice
  long max_form_bytes = 1024L * 1024;    // larger form data is listed with its size, not walked
  int max_fields_per_form = 20000;
  int max_value_chars = 4000;            // a longer value is cut with a note of how much is left out
};

struct FormSetPdfInput {
  persistence::ArchivedSubmission submission;  // service_name, forms and attachment metadata used
  std::vector<std::size_t> form_indexes;       // which of submission.forms to print (in this order)
  Language language = Language::kBokmal;
};

struct RenderedPdf {
  std::string bytes;  // starts with "%PDF-"
  int pages = 0;
  bool truncated = false;  // the page limit was reached
};

// kInternal when cairo fails (out of memory); never for the content itself.
Result<RenderedPdf> renderFormSetPdf(const FormSetPdfInput& input, const PdfLimits& limits);

}  // namespace gateway::pdf
