#include "bridge/core/publishes/register_validation.h"

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

namespace {

absl::Status Bad(const std::string& prefix, const std::string& path, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(prefix, path, ": ", message));
}

bool IsSha256(const std::string& checksum) {
  constexpr std::string_view kPrefix = "sha256:";
  if (checksum.size() != kPrefix.size() + 64 || checksum.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  for (size_t i = kPrefix.size(); i < checksum.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(checksum[i]))) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateNameAndType(const std::string& name, const std::string& publish_type,
                                 const std::string& prefix) {
  if (name.empty()) return Bad(prefix, "name", "a publish needs a name (its version-less grouping)");
  if (publish_type.empty()) return Bad(prefix, "publish_type", "a publish needs a type");
  return absl::OkStatus();
}

absl::Status ValidateRegisterRequest(const RegisterRequest& request, const std::string& prefix) {
  if (request.path.empty()) return Bad(prefix, "path", "a publish needs a path");
  PB_RETURN_IF_ERROR(ValidateNameAndType(request.name, request.publish_type, prefix));
  if (request.version < 0) {
    return Bad(prefix, "version", absl::StrCat("expected 0 (next) or a positive version, got ", request.version));
  }
  if (request.version > INT32_MAX) return Bad(prefix, "version", "version is too large");
  if (!request.checksum.empty() && !IsSha256(request.checksum)) {
    return Bad(prefix, "checksum", "expected \"sha256:\" followed by 64 hexadecimal digits");
  }
  if (request.size_bytes < 0) {
    return Bad(prefix, "size_bytes", absl::StrCat("expected a size of 0 or more, got ", request.size_bytes));
  }
  if (request.frame_range.has_value() && request.frame_range->first > request.frame_range->last) {
    return Bad(prefix, "frame_range.first",
               absl::StrCat("first frame ", request.frame_range->first, " is after last frame ",
                            request.frame_range->last));
  }
  if (!request.metadata.is_null() && !request.metadata.is_object()) {
    return Bad(prefix, "metadata", "expected a JSON object");
  }
  for (size_t i = 0; i < request.dependencies.size(); ++i) {
    const DependencyRef& ref = request.dependencies[i];
    const std::string at = absl::StrCat("dependencies[", i, "]");
    if (ref.id != 0 && !ref.path.empty()) return Bad(prefix, at, "give either an id or a path, not both");
    if (ref.id < 0) return Bad(prefix, at + ".id", "expected a positive publish id");
    if (ref.id == 0 && ref.path.empty()) return Bad(prefix, at, "expected a publish id or a path");
  }
  return absl::OkStatus();
}

absl::Status CheckTemplate(const templates::TemplateSet* templates, const RegisterRequest& request,
                           const std::string& prefix) {
  if (request.template_name.empty()) return absl::OkStatus();
  if (templates == nullptr || templates->Find(request.template_name) == nullptr) {
    return Bad(prefix, "template", absl::StrCat("unknown template \"", request.template_name, "\""));
  }
  absl::StatusOr<nlohmann::json> fields = templates->Parse(request.template_name, request.path);
  if (fields.ok()) return absl::OkStatus();
  if (fields.status().code() != absl::StatusCode::kInvalidArgument) return fields.status();
  return Bad(prefix, "path",
             absl::StrCat("does not fit template \"", request.template_name, "\": ",
                          std::string(fields.status().message())));
}

}  // namespace pipebridge::core::publishes
