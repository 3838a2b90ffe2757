// completePrefillInstance: the one write the submission path makes for prefilled form tasks.

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

Status completePrefillInstance(Session& session, Id instance_id, Id submission_id, const NewSubmission& submission) {
  // The conditions repeat the core's checks so that two concurrent submissions of the same task
  // cannot both succeed: the row lock makes the second UPDATE see state = 'completed'.
  auto& statement = session.prepare(
      "UPDATE prefill_instance SET state = 'completed', submission_id = ?, completed_at = UTC_TIMESTAMP(6) "
      "WHERE id = ? AND state = 'instantiated' AND owner_id = ? AND service_id = ? AND reportee = ? "
      "AND valid_from <= UTC_TIMESTAMP(6) AND valid_to > UTC_TIMESTAMP(6)");
  Params(statement).id(submission_id).id(instance_id).id(submission.owner_id).id(submission.service_id).str(
      submission.reportee);
  if (statement.executeUpdate() != 1) {
    return Status::InvalidArgument("the prefilled form task is not open: it was completed already, has expired, or "
                                   "belongs to another reportee or service");
  }
  return Status::Ok();
}

}  // namespace gateway::persistence::mysql
