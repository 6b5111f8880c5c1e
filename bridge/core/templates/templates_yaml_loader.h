// Loads a Toolkit templates.yml (with its include/includes files) into a TemplateSet.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/templates/template_set.h"

namespace pipebridge::core::templates {

struct TemplatesLoadOptions {
  // Storage roots: name -> absolute path, e.g. {"primary": "/mnt/projects/demo"}.
  std::map<std::string, std::string> roots;
  // Root of path templates that give no root_name. When it is not among `roots` and
  // there is exactly one root, that root is used.
  std::string default_root_name = "primary";
  // Look for pairs of templates that can match the same path (TemplateSet::ambiguities).
  bool detect_ambiguities = true;
};

// Reads `path` and the files it includes. The file has Toolkit's shape:
//   keys:     {name: {type: str|int|sequence|timestamp, ...settings}}
//   paths:    {name: "definition" | {definition: ..., root_name: ...}}
//   strings:  {name: "definition" | {definition: ...}}
//   aliases:  {other_name: existing_template_name}   (pipebridge extension)
//   include: file.yml   /   includes: [a.yml, b.yml]  (relative to the including file)
// Included files are read first, in order; the including file's entries override theirs.
// Errors: NOT_FOUND when `path` does not exist; INVALID_ARGUMENT for a malformed file,
// naming the file (relative to the main file's folder), the section, the template or
// key, and what is wrong; also for an include that is missing or forms a cycle.
absl::StatusOr<std::shared_ptr<const TemplateSet>> LoadTemplatesYaml(const std::string& path,
                                                                     const TemplatesLoadOptions& options);

}  // namespace pipebridge::core::templates
