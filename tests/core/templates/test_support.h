// Helpers shared by the template engine tests.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/templates/templates_yaml_loader.h"

namespace pipebridge::core::templates::testing {

inline constexpr const char* kPrimaryRoot = "/mnt/projects/demo";
inline constexpr const char* kSecondaryRoot = "/mnt/renders/demo";

TemplatesLoadOptions DemoRoots();
std::string DemoConfigPath();
// The demo config of bridge/server/demo/templates; fails the test when it does not load.
std::shared_ptr<const TemplateSet> LoadDemo();

// A scratch folder for test-written yml files, removed at destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  // Writes `text` to `relative` under the folder; returns the absolute path.
  std::string Write(const std::string& relative, const std::string& text) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Loads a templates.yml given as text (written to a scratch folder).
absl::StatusOr<std::shared_ptr<const TemplateSet>> LoadText(const std::string& yml,
                                                            const TemplatesLoadOptions& options = DemoRoots());

}  // namespace pipebridge::core::templates::testing
