#include "bridge/core/templates/definition_syntax.h"
#include "bridge/core/templates/absl_string_view.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::templates {
namespace {

enum class Kind { kPath, kString };

struct Resolver {
  UnresolvedDefinitions* defs;
  std::map<std::pair<Kind, std::string>, std::string> done;

  std::map<std::string, std::string>& Section(Kind k) { return k == Kind::kPath ? defs->paths : defs->strings; }

  // Longest template name that starts `text`; paths first on a tie.
  bool FindRef(std::string_view text, Kind* kind, std::string* name) {
    size_t best = 0;
    for (Kind k : {Kind::kPath, Kind::kString}) {
      for (const auto& [candidate, unused] : Section(k)) {
        if (candidate.size() > best && text.substr(0, candidate.size()) == candidate) {
          best = candidate.size();
          *kind = k;
          *name = candidate;
        }
      }
    }
    return best > 0;
  }

  absl::StatusOr<std::string> Resolve(Kind kind, const std::string& name,
                                      std::vector<std::string>* chain) {
    auto key = std::make_pair(kind, name);
    if (auto it = done.find(key); it != done.end()) return it->second;
    if (std::find(chain->begin(), chain->end(), name) != chain->end()) {
      std::vector<std::string> cycle(std::find(chain->begin(), chain->end(), name), chain->end());
      cycle.push_back(name);
      return absl::InvalidArgumentError(Cat("template '", name, "' references itself through @: ",
                                                     absl::StrJoin(cycle, " -> ")));
    }
    chain->push_back(name);
    const std::string definition = Section(kind).at(name);
    std::vector<std::string> escaped_parts;
    for (absl::string_view part : absl::StrSplit(definition, "@@")) {
      std::vector<absl::string_view> refs = absl::StrSplit(part, '@');
      std::string resolved(refs[0]);
      for (size_t i = 1; i < refs.size(); ++i) {
        const std::string_view ref(refs[i].data(), refs[i].size());
        if (ref.empty()) continue;
        Kind ref_kind = Kind::kPath;
        std::string ref_name;
        if (!FindRef(ref, &ref_kind, &ref_name)) {
          return absl::InvalidArgumentError(Cat(
              "template '", name, "' references '@", ref, "', which starts with no template name"));
        }
        PB_ASSIGN_OR_RETURN(std::string ref_definition, Resolve(ref_kind, ref_name, chain));
        resolved += ref_definition;
        resolved.append(ref.substr(ref_name.size()));
      }
      escaped_parts.push_back(std::move(resolved));
    }
    chain->pop_back();
    std::string result = absl::StrJoin(escaped_parts, "@@");
    done[key] = result;
    return result;
  }
};

}  // namespace

absl::Status ResolveReferences(UnresolvedDefinitions* definitions) {
  Resolver resolver{definitions, {}};
  std::map<std::string, std::string> paths, strings;
  for (const auto& [name, unused] : definitions->paths) {
    std::vector<std::string> chain;
    PB_ASSIGN_OR_RETURN(paths[name], resolver.Resolve(Kind::kPath, name, &chain));
  }
  for (const auto& [name, unused] : definitions->strings) {
    std::vector<std::string> chain;
    PB_ASSIGN_OR_RETURN(strings[name], resolver.Resolve(Kind::kString, name, &chain));
  }
  for (auto& [name, def] : paths) def = absl::StrReplaceAll(def, {{"@@", "@"}});
  for (auto& [name, def] : strings) def = absl::StrReplaceAll(def, {{"@@", "@"}});
  definitions->paths = std::move(paths);
  definitions->strings = std::move(strings);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ExpandOptionalSections(std::string_view definition) {
  std::vector<std::string> variants = {""};
  size_t i = 0;
  while (i < definition.size()) {
    const size_t open = definition.find_first_of("[]", i);
    if (open == std::string_view::npos) {
      for (auto& v : variants) v.append(definition.substr(i));
      break;
    }
    if (definition[open] == ']') {
      return absl::InvalidArgumentError(Cat("']' at character ", open, " closes no optional section"));
    }
    for (auto& v : variants) v.append(definition.substr(i, open - i));
    const size_t close = definition.find_first_of("[]", open + 1);
    if (close == std::string_view::npos || definition[close] == '[') {
      return absl::InvalidArgumentError(Cat(
          "optional section opened at character ", open,
          close == std::string_view::npos ? " is never closed" : " holds another '['; sections do not nest"));
    }
    std::string_view section = definition.substr(open + 1, close - open - 1);
    const size_t brace = section.find('{');
    if (brace == std::string_view::npos || section.find('}', brace) == std::string_view::npos) {
      return absl::InvalidArgumentError(
          Cat("optional section '[", section, "]' holds no {key}; an optional section needs one"));
    }
    const size_t n = variants.size();
    for (size_t k = 0; k < n; ++k) variants.push_back(variants[k] + std::string(section));
    i = close + 1;
  }
  // Longest first; equal lengths keep their order (stable), duplicates go.
  std::stable_sort(variants.begin(), variants.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (auto& v : variants) {
    if (seen.insert(v).second) unique.push_back(std::move(v));
  }
  return unique;
}

absl::StatusOr<std::vector<DefinitionPiece>> SplitKeys(std::string_view variant) {
  std::vector<DefinitionPiece> pieces;
  size_t i = 0;
  while (i < variant.size()) {
    const size_t open = variant.find('{', i);
    if (open == std::string_view::npos) {
      pieces.push_back({false, std::string(variant.substr(i))});
      break;
    }
    if (open > i) pieces.push_back({false, std::string(variant.substr(i, open - i))});
    const size_t close = variant.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || variant[close] == '{') {
      return absl::InvalidArgumentError(Cat("'{' at character ", open, " is not closed by '}'"));
    }
    if (close == open + 1) return absl::InvalidArgumentError(Cat("empty key '{}' at character ", open));
    pieces.push_back({true, std::string(variant.substr(open + 1, close - open - 1))});
    i = close + 1;
  }
  for (const auto& p : pieces) {
    if (!p.is_key && p.text.find('}') != std::string::npos) {
      return absl::InvalidArgumentError(Cat("'}' in '", p.text, "' closes no key"));
    }
  }
  return pieces;
}

}  // namespace pipebridge::core::templates
