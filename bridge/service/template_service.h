// Handlers of pipebridge.v1.TemplateService over the loaded templates.yml.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "bridge/core/templates/template_set.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::service {

// `templates` may be null (no templates.yml configured): every RPC then answers
// FAILED_PRECONDITION saying how to configure one.
absl::Status RegisterTemplateService(rpc::MethodTable& table,
                                     std::shared_ptr<const core::templates::TemplateSet> templates);

}  // namespace pipebridge::service
