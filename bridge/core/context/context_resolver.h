// Contexts from paths and entities, and template fields from contexts: the glue between
// the project's templates.yml and its entity store. Template keys name the entities they
// stand for with Toolkit's `shotgun_entity_type` / `shotgun_field_name` settings.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/context/context.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/templates/template_set.h"

namespace pipebridge::core::context {

struct PathContext {
  Context context;
  std::string template_name;  // best matching template; empty when only the project is known
  nlohmann::json fields = nlohmann::json::object();
};

// Thread-safe; the store and templates must outlive it. `templates` may be null.
class ContextResolver {
 public:
  ContextResolver(const entities::EntityStore& store,
                  std::shared_ptr<const templates::TemplateSet> templates)
      : store_(store), templates_(std::move(templates)) {}

  // A Task gives its entity, step and project; a Shot its project and Sequence; a
  // PublishedFile or Version its entity, task and project. NOT_FOUND for a missing entity.
  absl::StatusOr<Context> FromEntity(const nlohmann::json& link) const;

  // Matches the path against the path templates (best match first) and resolves every
  // key that names an entity. INVALID_ARGUMENT when the path is under no storage root;
  // NOT_FOUND naming the key when the path names an entity the store does not have.
  absl::StatusOr<PathContext> FromPath(const std::string& path) const;

  // Values for template keys that stand for the context's entities (and the entities
  // they link to, one hop: a Shot's Sequence). Only the keys of `template_name` when given
  // (NOT_FOUND for an unknown template).
  absl::StatusOr<nlohmann::json> ToFields(const Context& context, const std::string& template_name) const;

 private:
  absl::StatusOr<nlohmann::json> Record(const nlohmann::json& link) const;
  nlohmann::json LinkTo(const nlohmann::json& record) const;
  absl::StatusOr<nlohmann::json> ProjectLink() const;

  const entities::EntityStore& store_;
  std::shared_ptr<const templates::TemplateSet> templates_;
};

}  // namespace pipebridge::core::context
