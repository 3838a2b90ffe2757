#include "batch/batch_envelope.h"

#include "push/data_batch.h"

namespace gateway::batch {
namespace {

std::string escapeXml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string isoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The DataBatch document without its XML declaration, to nest it.
std::string withoutDeclaration(std::string document) {
  if (document.rfind("<?xml", 0) == 0) {
    const auto end = document.find("?>");
    if (end != std::string::npos) document.erase(0, end + 2);
  }
  return document;
}

}  // namespace

std::string attachmentsFileName(persistence::Id batch_id, const std::string& archive_reference) {
  return "batch-" + std::to_string(batch_id) + "." + archive_reference + ".zip";
}

std::string buildBatchEnvelope(const persistence::BatchFileRecord& file,
                               const std::vector<persistence::ArchivedSubmission>& submissions, std::time_t now) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<SubmissionBatchFile version=\"1\" batchId=\"" + std::to_string(file.id) + "\" serviceOwner=\"" +
         escapeXml(file.owner_code) + "\" created=\"" + isoTime(now) + "\" count=\"" +
         std::to_string(submissions.size()) + "\">\n";
  std::int64_t position = 0;
  for (const persistence::ArchivedSubmission& s : submissions) {
    out += "<Submission archiveReference=\"" + escapeXml(s.archive_reference) + "\" serviceCode=\"" +
           escapeXml(s.service_code) + "\" serviceEditionCode=\"" + std::to_string(s.service_edition) + "\"";
    if (!s.attachments.empty()) out += " attachments=\"" + escapeXml(attachmentsFileName(file.id, s.archive_reference)) + "\"";
    out += ">";
    out += withoutDeclaration(push::buildDataBatch(s, ++position, now));
    out += "</Submission>\n";
  }
  out += "</SubmissionBatchFile>\n";
  return out;
}

}  // namespace gateway::batch
