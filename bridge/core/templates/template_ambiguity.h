// Load-time check: pairs of templates that can match the same path.
#pragma once

#include <string>
#include <vector>

#include "bridge/core/templates/template.h"

namespace pipebridge::core::templates {

struct AmbiguityWarning {
  std::string template_a;
  std::string template_b;
  std::string example_path;  // a path both parse; empty when none could be confirmed
  std::string message;
};

// Compares every pair of path templates (and every pair of string templates). Each
// definition variant becomes an automaton over characters, each key the language of
// its values (choices, filter_by, digits of int/sequence keys, the timestamp format;
// regex filters, exclusions and date ranges are over-approximated), and the product of
// two automata is searched for a shortest common path. The example found is then parsed
// with both templates; when that fails the warning is kept without an example.
std::vector<AmbiguityWarning> FindAmbiguities(const std::vector<const Template*>& templates);

}  // namespace pipebridge::core::templates
