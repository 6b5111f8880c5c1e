#include "bridge/core/publishes/publish.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

json PublishToJson(const Publish& publish) {
  json out = {{"id", publish.id},
              {"name", publish.name},
              {"publish_type", publish.publish_type},
              {"version", publish.version},
              {"path", publish.path},
              {"context", publish.context},
              {"description", publish.description},
              {"checksum", publish.checksum},
              {"size_bytes", publish.size_bytes},
              {"dependency_ids", publish.dependency_ids},
              {"metadata", publish.metadata},
              {"template", publish.template_name},
              {"created_by", publish.created_by},
              {"created_at", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", publish.created_at, absl::UTCTimeZone())},
              {"source_host", publish.source_host}};
  if (publish.frame_range.has_value()) {
    out["frame_range"] = {{"first", publish.frame_range->first}, {"last", publish.frame_range->last}};
  }
  return out;
}

json RelatedPublishToJson(const RelatedPublish& related) {
  return {{"publish", PublishToJson(related.publish)}, {"depth", related.depth}};
}

}  // namespace pipebridge::core::publishes
