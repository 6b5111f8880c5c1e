#include "bridge/core/events/event_filter.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace pipebridge::core::events {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;

enum class Root {
  kId, kTopic, kTime, kUser, kSourceHost,
  kProject, kProjectType, kProjectId, kProjectName,
  kPayload,
};

enum class Relation {
  kIs, kIsNot, kIn, kNotIn, kContains, kNotContains,
  kStartsWith, kEndsWith, kGreaterThan, kLessThan,
};

struct RelationName {
  const char* name;
  Relation relation;
};
constexpr RelationName kRelations[] = {
    {"is", Relation::kIs},
    {"is_not", Relation::kIsNot},
    {"in", Relation::kIn},
    {"not_in", Relation::kNotIn},
    {"contains", Relation::kContains},
    {"not_contains", Relation::kNotContains},
    {"starts_with", Relation::kStartsWith},
    {"ends_with", Relation::kEndsWith},
    {"greater_than", Relation::kGreaterThan},
    {"less_than", Relation::kLessThan},
};

// A value read from an event or an operand, without copying.
struct View {
  enum Kind { kMissing, kNull, kBool, kInt, kDouble, kString, kArray, kObject, kProject };
  Kind kind = kMissing;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
  const json* j = nullptr;
  const ProjectRef* project = nullptr;
};

View ViewOf(const json& value) {
  View view;
  view.j = &value;
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      view.kind = View::kNull;
      break;
    case json::value_t::boolean:
      view.kind = View::kBool;
      view.b = value.get<bool>();
      break;
    case json::value_t::number_integer:
      view.kind = View::kInt;
      view.i = value.get<int64_t>();
      break;
    case json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) {
        view.kind = View::kInt;
        view.i = static_cast<int64_t>(u);
      } else {
        view.kind = View::kDouble;
        view.d = static_cast<double>(u);
      }
      break;
    }
    case json::value_t::number_float:
      view.kind = View::kDouble;
      view.d = value.get<double>();
      break;
    case json::value_t::string:
      view.kind = View::kString;
      view.s = value.get_ref<const std::string&>();
      break;
    case json::value_t::array:
    case json::value_t::binary:
      view.kind = View::kArray;
      break;
    case json::value_t::object:
      view.kind = View::kObject;
      break;
  }
  return view;
}

bool IsNumber(const View& v) { return v.kind == View::kInt || v.kind == View::kDouble; }
double AsDouble(const View& v) { return v.kind == View::kInt ? static_cast<double>(v.i) : v.d; }

// {"type": T, "id": N}: compared by type and id only.
struct Link {
  std::string type;
  int64_t id = 0;
};

std::optional<Link> LinkOf(const json& value) {
  if (!value.is_object()) return std::nullopt;
  auto type = value.find("type");
  auto id = value.find("id");
  if (type == value.end() || id == value.end() || !type->is_string() ||
      !id->is_number_integer()) {
    return std::nullopt;
  }
  return Link{type->get<std::string>(), id->get<int64_t>()};
}

struct Operand {
  json value;
  std::optional<Link> link;
};

}  // namespace

struct EventFilter::Node {
  enum class Kind { kCondition, kAll, kAny };
  Kind kind = Kind::kCondition;
  std::vector<Node> children;
  // Conditions.
  Root root = Root::kPayload;
  std::vector<std::string> path;  // Below payload.
  Relation relation = Relation::kIs;
  std::vector<Operand> operands;  // One, or the values of in/not_in.
};

namespace {

using Node = EventFilter::Node;

View ReadField(const Event& event, const Node& node) {
  View view;
  switch (node.root) {
    case Root::kId:
      view.kind = View::kInt;
      view.i = event.id;
      return view;
    case Root::kTopic:
      view.kind = View::kString;
      view.s = event.topic;
      return view;
    case Root::kTime:
      view.kind = View::kInt;
      view.i = absl::ToUnixMicros(event.time);
      return view;
    case Root::kUser:
      view.kind = View::kString;
      view.s = event.user;
      return view;
    case Root::kSourceHost:
      view.kind = View::kString;
      view.s = event.source_host;
      return view;
    case Root::kProject:
      view.kind = View::kProject;
      view.project = &event.project;
      return view;
    case Root::kProjectType:
      view.kind = View::kString;
      view.s = event.project.type;
      return view;
    case Root::kProjectId:
      view.kind = View::kInt;
      view.i = event.project.id;
      return view;
    case Root::kProjectName:
      view.kind = View::kString;
      view.s = event.project.name;
      return view;
    case Root::kPayload: {
      const json* value = &event.payload;
      for (const std::string& segment : node.path) {
        if (!value->is_object()) return view;  // Missing.
        auto it = value->find(segment);
        if (it == value->end()) return view;
        value = &*it;
      }
      return ViewOf(*value);
    }
  }
  return view;
}

bool Equal(const View& field, const Operand& operand) {
  if (operand.link) {
    if (field.kind == View::kProject) {
      return field.project->type == operand.link->type && field.project->id == operand.link->id;
    }
    if (field.kind != View::kObject) return false;
    std::optional<Link> link = LinkOf(*field.j);
    return link && link->type == operand.link->type && link->id == operand.link->id;
  }
  View value = ViewOf(operand.value);
  switch (field.kind) {
    case View::kMissing:
    case View::kNull:
      return value.kind == View::kNull;
    case View::kBool:
      return value.kind == View::kBool && value.b == field.b;
    case View::kInt:
      if (value.kind == View::kInt) return value.i == field.i;
      return value.kind == View::kDouble && value.d == AsDouble(field);
    case View::kDouble:
      return IsNumber(value) && AsDouble(value) == field.d;
    case View::kString:
      return value.kind == View::kString && value.s == field.s;
    case View::kArray:
    case View::kObject:
      return value.kind == field.kind && *field.j == operand.value;
    case View::kProject:
      return value.kind == View::kNull && field.project->empty();
  }
  return false;
}

// -1, 0, 1, or nullopt when the two cannot be ordered.
std::optional<int> Order(const View& field, const Operand& operand) {
  View value = ViewOf(operand.value);
  if (field.kind == View::kInt && value.kind == View::kInt) {
    return field.i < value.i ? -1 : (field.i > value.i ? 1 : 0);
  }
  if (IsNumber(field) && IsNumber(value)) {
    double a = AsDouble(field);
    double b = AsDouble(value);
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  if (field.kind == View::kString && value.kind == View::kString) {
    int c = field.s.compare(value.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool Contains(const View& field, const Operand& operand) {
  if (field.kind == View::kString) {
    return operand.value.is_string() &&
           field.s.find(operand.value.get_ref<const std::string&>()) != std::string_view::npos;
  }
  if (field.kind == View::kArray) {
    for (const json& element : *field.j) {
      if (Equal(ViewOf(element), operand)) return true;
    }
  }
  return false;
}

const Operand kNoOperand{};

bool EvaluateCondition(const Node& node, const Event& event) {
  View field = ReadField(event, node);
  // Every relation but in/not_in has exactly one operand.
  const Operand& first = node.operands.empty() ? kNoOperand : node.operands.front();
  switch (node.relation) {
    case Relation::kIs:
      return Equal(field, first);
    case Relation::kIsNot:
      return !Equal(field, first);
    case Relation::kIn:
    case Relation::kNotIn: {
      bool found = false;
      for (const Operand& operand : node.operands) {
        if (Equal(field, operand)) {
          found = true;
          break;
        }
      }
      return node.relation == Relation::kIn ? found : !found;
    }
    case Relation::kContains:
      return Contains(field, first);
    case Relation::kNotContains:
      return !Contains(field, first);
    case Relation::kStartsWith: {
      const std::string& prefix = first.value.get_ref<const std::string&>();
      return field.kind == View::kString && field.s.substr(0, prefix.size()) == prefix;
    }
    case Relation::kEndsWith: {
      const std::string& suffix = first.value.get_ref<const std::string&>();
      return field.kind == View::kString && field.s.size() >= suffix.size() &&
             field.s.substr(field.s.size() - suffix.size()) == suffix;
    }
    case Relation::kGreaterThan: {
      std::optional<int> order = Order(field, first);
      return order && *order > 0;
    }
    case Relation::kLessThan: {
      std::optional<int> order = Order(field, first);
      return order && *order < 0;
    }
  }
  return false;
}

bool Evaluate(const Node& node, const Event& event) {
  switch (node.kind) {
    case Node::Kind::kCondition:
      return EvaluateCondition(node, event);
    case Node::Kind::kAll:
      for (const Node& child : node.children) {
        if (!Evaluate(child, event)) return false;
      }
      return true;
    case Node::Kind::kAny:
      if (node.children.empty()) return true;  // An empty group constrains nothing.
      for (const Node& child : node.children) {
        if (Evaluate(child, event)) return true;
      }
      return false;
  }
  return false;
}

// ---- Compilation ----

absl::Status Invalid(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

std::string Index(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

constexpr const char* kFieldList =
    "id, topic, time, user, source_host, project, project.type, project.id, project.name, "
    "payload, payload.<path>";

absl::Status ParseField(const std::string& field, absl::string_view path, Node& node) {
  struct Named {
    const char* name;
    Root root;
  };
  static constexpr Named kFields[] = {
      {"id", Root::kId},
      {"topic", Root::kTopic},
      {"time", Root::kTime},
      {"user", Root::kUser},
      {"source_host", Root::kSourceHost},
      {"project", Root::kProject},
      {"project.type", Root::kProjectType},
      {"project.id", Root::kProjectId},
      {"project.name", Root::kProjectName},
      {"payload", Root::kPayload},
  };
  for (const Named& named : kFields) {
    if (field == named.name) {
      node.root = named.root;
      return absl::OkStatus();
    }
  }
  constexpr absl::string_view kPayloadPrefix = "payload.";
  if (absl::string_view(field).substr(0, kPayloadPrefix.size()) == kPayloadPrefix) {
    node.root = Root::kPayload;
    for (absl::string_view segment :
         absl::StrSplit(absl::string_view(field).substr(kPayloadPrefix.size()), '.')) {
      if (segment.empty()) {
        return Invalid(path, absl::StrCat("empty segment in field \"", field, "\""));
      }
      node.path.emplace_back(segment);
    }
    return absl::OkStatus();
  }
  return Invalid(path, absl::StrCat("unknown field \"", field, "\"; fields are ", kFieldList));
}

bool IsInteger(const json& value) {
  return value.is_number_integer() &&
         (!value.is_number_unsigned() || value.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX));
}

// Checks (and for time, converts) one operand for the node's field and relation.
absl::Status CompileOperand(const json& value, absl::string_view path, absl::string_view field,
                            absl::string_view relation, Node& node) {
  Operand operand;
  operand.value = value;
  switch (node.root) {
    case Root::kId:
    case Root::kProjectId:
      if (!IsInteger(value)) {
        return Invalid(path, absl::StrCat(field, " compares with integers, got ", value.dump()));
      }
      break;
    case Root::kTime:
      if (value.is_string()) {
        absl::Time time;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &time, &error)) {
          return Invalid(path, absl::StrCat("time needs an RFC 3339 timestamp or integer "
                                            "microseconds since the Unix epoch, got ",
                                            value.dump()));
        }
        operand.value = absl::ToUnixMicros(time);
      } else if (!IsInteger(value)) {
        return Invalid(path, absl::StrCat("time needs an RFC 3339 timestamp or integer "
                                          "microseconds since the Unix epoch, got ",
                                          value.dump()));
      }
      break;
    case Root::kTopic:
    case Root::kUser:
    case Root::kSourceHost:
    case Root::kProjectType:
    case Root::kProjectName:
      if (!value.is_string()) {
        return Invalid(path, absl::StrCat(field, " compares with strings, got ", value.dump()));
      }
      break;
    case Root::kProject:
      if (!value.is_null() && !LinkOf(value)) {
        return Invalid(path, absl::StrCat("project compares with a link {\"type\": ..., "
                                          "\"id\": ...} or null, got ",
                                          value.dump()));
      }
      break;
    case Root::kPayload:
      break;
  }
  switch (node.relation) {
    case Relation::kStartsWith:
    case Relation::kEndsWith:
      if (!value.is_string()) {
        return Invalid(path, absl::StrCat("\"", relation, "\" needs a string, got ", value.dump()));
      }
      break;
    case Relation::kGreaterThan:
    case Relation::kLessThan:
      if (!value.is_number() && !value.is_string()) {
        return Invalid(path, absl::StrCat("\"", relation, "\" needs a number or a string, got ",
                                          value.dump()));
      }
      break;
    default:
      break;
  }
  operand.link = LinkOf(operand.value);
  node.operands.push_back(std::move(operand));
  return absl::OkStatus();
}

bool RelationApplies(Root root, Relation relation) {
  switch (root) {
    case Root::kId:
    case Root::kProjectId:
    case Root::kTime:
      return relation == Relation::kIs || relation == Relation::kIsNot ||
             relation == Relation::kIn || relation == Relation::kNotIn ||
             relation == Relation::kGreaterThan || relation == Relation::kLessThan;
    case Root::kProject:
      return relation == Relation::kIs || relation == Relation::kIsNot ||
             relation == Relation::kIn || relation == Relation::kNotIn;
    default:
      return true;
  }
}

absl::StatusOr<Node> CompileCondition(const json& element, const std::string& path) {
  if (element.size() < 3) {
    return Invalid(path, "expected [field, relation, value]");
  }
  if (!element[0].is_string()) return Invalid(Index(path, 0), "field must be a string");
  if (!element[1].is_string()) return Invalid(Index(path, 1), "relation must be a string");
  Node node;
  const std::string& field = element[0].get_ref<const std::string&>();
  const std::string& relation = element[1].get_ref<const std::string&>();
  absl::Status status = ParseField(field, Index(path, 0), node);
  if (!status.ok()) return status;
  bool known = false;
  for (const RelationName& named : kRelations) {
    if (relation == named.name) {
      node.relation = named.relation;
      known = true;
    }
  }
  if (!known) {
    std::vector<std::string> names;
    for (const RelationName& named : kRelations) names.emplace_back(named.name);
    return Invalid(Index(path, 1), absl::StrCat("unknown relation \"", relation,
                                                "\"; relations are ", absl::StrJoin(names, ", ")));
  }
  if (!RelationApplies(node.root, node.relation)) {
    return Invalid(Index(path, 1),
                   absl::StrCat("relation \"", relation, "\" does not apply to ", field));
  }
  bool many = node.relation == Relation::kIn || node.relation == Relation::kNotIn;
  if (many) {
    if (element.size() > 3) {  // ["f", "in", a, b, c]
      for (size_t i = 2; i < element.size(); ++i) {
        status = CompileOperand(element[i], Index(path, i), field, relation, node);
        if (!status.ok()) return status;
      }
    } else if (!element[2].is_array()) {
      return Invalid(Index(path, 2), absl::StrCat("\"", relation, "\" needs an array of values"));
    } else {
      for (size_t i = 0; i < element[2].size(); ++i) {
        status = CompileOperand(element[2][i], Index(Index(path, 2), i), field, relation, node);
        if (!status.ok()) return status;
      }
    }
    // "in []" matches nothing and "not_in []" everything.
  } else {
    if (element.size() > 3) {
      return Invalid(path, absl::StrCat("\"", relation, "\" takes one value, got ",
                                        element.size() - 2));
    }
    status = CompileOperand(element[2], Index(path, 2), field, relation, node);
    if (!status.ok()) return status;
  }
  node.kind = Node::Kind::kCondition;
  return node;
}

absl::StatusOr<Node> CompileList(const json& filters, const std::string& path, Node::Kind kind,
                                 int depth);

absl::StatusOr<Node> CompileGroup(const json& group, const std::string& path, int depth) {
  auto op = group.find("filter_operator");
  auto filters = group.find("filters");
  for (auto it = group.begin(); it != group.end(); ++it) {
    if (it.key() != "filter_operator" && it.key() != "filters") {
      return Invalid(path, absl::StrCat("unknown key \"", it.key(),
                                        "\" in a filter group (filter_operator, filters)"));
    }
  }
  if (op == group.end() || filters == group.end()) {
    return Invalid(path, "a filter group needs \"filter_operator\" and \"filters\"");
  }
  Node::Kind kind;
  if (*op == "all" || *op == "and") {
    kind = Node::Kind::kAll;
  } else if (*op == "any" || *op == "or") {
    kind = Node::Kind::kAny;
  } else {
    return Invalid(absl::StrCat(path, ".filter_operator"),
                   absl::StrCat("must be \"all\" or \"any\", got ", op->dump()));
  }
  return CompileList(*filters, absl::StrCat(path, ".filters"), kind, depth + 1);
}

absl::StatusOr<Node> CompileList(const json& filters, const std::string& path, Node::Kind kind,
                                 int depth) {
  if (depth > kMaxDepth) {
    return Invalid(path, absl::StrCat("filter groups nest deeper than ", kMaxDepth));
  }
  if (!filters.is_array()) return Invalid(path, "must be an array of filters");
  Node node;
  node.kind = kind;
  for (size_t i = 0; i < filters.size(); ++i) {
    const json& element = filters[i];
    std::string element_path = Index(path, i);
    absl::StatusOr<Node> child;
    if (element.is_array()) {
      child = CompileCondition(element, element_path);
    } else if (element.is_object()) {
      child = CompileGroup(element, element_path, depth);
    } else {
      return Invalid(element_path,
                     "expected [field, relation, value] or {\"filter_operator\": ..., "
                     "\"filters\": [...]}");
    }
    if (!child.ok()) return child.status();
    node.children.push_back(std::move(*child));
  }
  return node;
}

}  // namespace

EventFilter::EventFilter() = default;
EventFilter::EventFilter(std::shared_ptr<const Node> root) : root_(std::move(root)) {}

absl::StatusOr<EventFilter> EventFilter::Compile(const nlohmann::json& filters,
                                                 absl::string_view field) {
  if (filters.is_null()) return EventFilter();
  absl::StatusOr<Node> root = CompileList(filters, std::string(field), Node::Kind::kAll, 0);
  if (!root.ok()) return root.status();
  if (root->children.empty()) return EventFilter();
  return EventFilter(std::make_shared<const Node>(std::move(*root)));
}

bool EventFilter::Matches(const Event& event) const {
  return root_ == nullptr || Evaluate(*root_, event);
}

bool EventFilter::matches_everything() const { return root_ == nullptr; }

}  // namespace pipebridge::core::events
