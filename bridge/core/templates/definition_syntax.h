// The text syntax of template definitions: @references, [optional] sections, {keys}.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pipebridge::core::templates {

// Resolves every `@name` reference in the definitions of path and string templates, as
// Toolkit does: the referenced template is the one with the longest name that starts
// the text after '@' (paths win a tie), references nest, and `@@` stands for a literal
// '@' in the resolved definition. INVALID_ARGUMENT naming the template for an unknown
// reference or a reference cycle ("a -> b -> a").
struct UnresolvedDefinitions {
  std::map<std::string, std::string> paths;
  std::map<std::string, std::string> strings;
};
absl::Status ResolveReferences(UnresolvedDefinitions* definitions);

// Every variant of a definition with its optional sections in or out, longest first
// (Toolkit order). An optional section must hold a key; sections do not nest.
absl::StatusOr<std::vector<std::string>> ExpandOptionalSections(std::string_view definition);

// A definition variant split into static text and `{key}` names.
struct DefinitionPiece {
  bool is_key = false;
  std::string text;  // static text, or the key name between the braces
};
absl::StatusOr<std::vector<DefinitionPiece>> SplitKeys(std::string_view variant);

}  // namespace pipebridge::core::templates
