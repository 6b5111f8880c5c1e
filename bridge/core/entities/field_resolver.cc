#include "bridge/core/entities/field_resolver.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bridge/core/entities/table_layout.h"

namespace pipebridge::core::entities {
namespace {

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

}  // namespace

std::string ColumnRef::Scalar() const { return absl::StrCat(alias, ".", ScalarColumn(*field)); }
std::string ColumnRef::LinkType() const { return absl::StrCat(alias, ".", LinkTypeColumn(*field)); }
std::string ColumnRef::LinkId() const { return absl::StrCat(alias, ".", LinkIdColumn(*field)); }
std::string ColumnRef::Id() const { return absl::StrCat(alias, ".\"id\""); }
std::string ColumnRef::JsonValue() const {
  std::string json_path = "$";
  for (const std::string& key : json_keys) absl::StrAppend(&json_path, ".\"", key, "\"");
  return absl::StrCat("json_extract(", Scalar(), ", '", json_path, "')");
}

FieldResolver::FieldResolver(const Schema& schema, const EntityTypeSchema& root)
    : schema_(schema), root_(root) {}

absl::StatusOr<ColumnRef> FieldResolver::Resolve(absl::string_view name, absl::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '.');
  ColumnRef ref;
  ref.alias = "t";
  ref.owner = &root_;
  ref.dotted = parts.size() > 1;
  std::string join_key = "t";
  for (size_t i = 0; i < parts.size(); i += 2) {
    const FieldSchema* field = ref.owner->FindField(parts[i]);
    if (field == nullptr) {
      return Bad(path, absl::StrCat("unknown field \"", parts[i], "\" on ", ref.owner->name));
    }
    ref.field = field;
    if (i + 1 == parts.size()) break;
    if (field->type == FieldType::kJson) {
      for (size_t k = i + 1; k < parts.size(); ++k) {
        absl::string_view key = parts[k];
        // Keys become part of a JSON path literal in SQL: plain names only.
        bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
        if (!plain) {
          return Bad(path, absl::StrCat("json key \"", key, "\" in \"", name,
                                        "\": keys are letters, digits, '_' and '-'"));
        }
        ref.json_keys.emplace_back(key);
      }
      break;
    }
    if (i + 2 >= parts.size()) {
      return Bad(path, absl::StrCat("malformed field path \"", name,
                                    "\" (expected field, link_field.Type.field or json_field.key)"));
    }
    if (field->type != FieldType::kEntity) {
      return Bad(path, absl::StrCat("cannot follow \"", parts[i], "\" in \"", name, "\": ",
                                    ref.owner->name, ".", field->name,
                                    field->type == FieldType::kMultiEntity
                                        ? " is a multi_entity field (only single links can be followed)"
                                        : " is not an entity link"));
    }
    absl::string_view next_type = parts[i + 1];
    const EntityTypeSchema* next = schema_.FindType(next_type);
    if (next == nullptr) {
      return Bad(path, absl::StrCat("unknown entity type \"", next_type, "\" in \"", name, "\""));
    }
    if (!field->AllowsLinkTo(next_type)) {
      return Bad(path, absl::StrCat(ref.owner->name, ".", field->name, " cannot link to ", next_type));
    }
    absl::StrAppend(&join_key, ".", field->name, ".", next_type);
    auto [it, inserted] = join_alias_.emplace(join_key, "");
    if (inserted) {
      it->second = absl::StrCat("j", join_alias_.size());
      joins_.push_back({it->second, TableName(next->name),
                        absl::StrCat(it->second, ".\"id\" = ", ref.LinkId(), " AND ", ref.LinkType(),
                                     " = ", IdentifierLiteral(next->name))});
    }
    ref.via_alias = ref.alias;
    ref.via_link = field;
    ref.alias = it->second;
    ref.owner = next;
  }
  return ref;
}

std::string FieldResolver::FromClause(absl::string_view root_index) const {
  std::string from = absl::StrCat(TableName(root_.name), " AS t");
  if (!root_index.empty()) absl::StrAppend(&from, " INDEXED BY ", root_index);
  for (const Join& join : joins_) absl::StrAppend(&from, " LEFT JOIN ", join.table, " AS ", join.alias, " ON ", join.on);
  return from;
}

std::string FieldResolver::FromClauseDrivenBy(const std::string& alias) const {
  std::string first;
  std::string rest;
  for (const Join& join : joins_) {
    if (join.alias == alias) {
      first = absl::StrCat(join.table, " AS ", join.alias, " CROSS JOIN ", TableName(root_.name), " AS t ON ",
                           join.on);
    } else {
      absl::StrAppend(&rest, " LEFT JOIN ", join.table, " AS ", join.alias, " ON ", join.on);
    }
  }
  return first.empty() ? FromClause() : absl::StrCat(first, rest);
}

}  // namespace pipebridge::core::entities
