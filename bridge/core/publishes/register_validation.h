// Checks of a RegisterRequest that need no storage: field formats and the
// path's fit to its template. INVALID_ARGUMENT naming the field by its path in
// the request (`checksum`, `frame_range.first`, `dependencies[1].path`).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "bridge/core/publishes/publish.h"
#include "bridge/core/templates/template_set.h"

namespace pipebridge::core::publishes {

// path, name, publish_type non-empty; version >= 0; checksum empty or
// "sha256:" + 64 hex digits; size_bytes >= 0; frame_range.first <= last;
// metadata an object or null; each dependency exactly one of id > 0 / path.
// The context is checked by ParseContext. `prefix` is prepended to paths.
absl::Status ValidateRegisterRequest(const RegisterRequest& request, const std::string& prefix = "");

// When `request.template_name` is set, the path must parse with it:
// INVALID_ARGUMENT `template: ...` for an unknown template (or no templates
// loaded), `path: does not fit template "x": <the template's reason>`.
absl::Status CheckTemplate(const templates::TemplateSet* templates, const RegisterRequest& request,
                           const std::string& prefix = "");

// Name and type of a version key: non-empty (INVALID_ARGUMENT `name` / `publish_type`).
absl::Status ValidateNameAndType(const std::string& name, const std::string& publish_type,
                                 const std::string& prefix = "");

}  // namespace pipebridge::core::publishes
