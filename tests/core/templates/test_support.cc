#include "tests/core/templates/test_support.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace pipebridge::core::templates::testing {

TemplatesLoadOptions DemoRoots() {
  TemplatesLoadOptions options;
  options.roots = {{"primary", kPrimaryRoot}, {"secondary", kSecondaryRoot}};
  return options;
}

std::string DemoConfigPath() { return std::string(PIPEBRIDGE_TEMPLATES_TEST_DATA) + "/templates.yml"; }

std::shared_ptr<const TemplateSet> LoadDemo() {
  static const std::shared_ptr<const TemplateSet> demo = [] {
    auto loaded = LoadTemplatesYaml(DemoConfigPath(), DemoRoots());
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return demo;
}

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pb_templates_XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::Write(const std::string& relative, const std::string& text) const {
  const std::filesystem::path target = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(target.parent_path());
  std::ofstream(target) << text;
  return target.string();
}

absl::StatusOr<std::shared_ptr<const TemplateSet>> LoadText(const std::string& yml,
                                                            const TemplatesLoadOptions& options) {
  ScratchDir dir;
  return LoadTemplatesYaml(dir.Write("templates.yml", yml), options);
}

}  // namespace pipebridge::core::templates::testing
