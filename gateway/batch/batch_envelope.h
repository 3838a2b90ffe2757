#pragma once
// The XML envelope of one outbound batch file (docs/batch-files.md shows an example):
//
//   <SubmissionBatchFile version="1" batchId="12" serviceOwner="ETAT" created="2026-11-23T15:40:31Z" count="2">
//     <Submission archiveReference="AR5" serviceCode="4711" serviceEditionCode="1" attachments="batch-12.AR5.zip">
//       <DataBatch ...>  the genericbatch document of push/data_batch.h, batchReference = position in the file
//     </Submission>
//     ...
//   </SubmissionBatchFile>
//
// `attachments` is present only when the submission has attachments; it names the ZIP (push/attachment_zip.h,
// the same zipEntry names) written beside the envelope.

#include <ctime>
#include <string>
#include <vector>

#include "persistence/batch_repository.h"
#include "persistence/records.h"

namespace gateway::batch {

// The ZIP file name of one submission's attachments in batch `batch_id`.
std::string attachmentsFileName(persistence::Id batch_id, const std::string& archive_reference);

std::string buildBatchEnvelope(const persistence::BatchFileRecord& file,
                               const std::vector<persistence::ArchivedSubmission>& submissions, std::time_t now);

}  // namespace gateway::batch
