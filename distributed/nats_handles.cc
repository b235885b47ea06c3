// Status from the C client's errors; message creation. Tested through every distributed_tests case.
#include "distributed/nats_handles.h"

namespace sesrules::distributed {

Status nats_error(std::string_view what, natsStatus status, jsErrCode code) {
  std::string message(what);
  message += ": ";
  message += natsStatus_GetText(status);
  // The thread's last error usually holds the server's explanation.
  const char* detail = nats_GetLastError(nullptr);
  if (detail != nullptr && *detail != '\0' && std::string_view(detail) != natsStatus_GetText(status)) {
    message += std::string(" (") + detail + ")";
  }
  if (code != 0) message += " (jetstream error " + std::to_string(static_cast<int>(code)) + ")";
  return Status::error(std::move(message));
}

Expected<MsgHandle> make_msg(const std::string& subject, std::string_view data) {
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  MsgHandle msg(raw);
  if (s != NATS_OK) return nats_error("create message for " + subject, s);
  return msg;
}

}  // namespace sesrules::distributed
