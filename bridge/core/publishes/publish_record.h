// PublishedFile entity records <-> Publish values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/publishes/publish.h"
#include "bridge/core/publishes/publish_context.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes {

// The `data` of the PublishedFile Create for a validated request, in two parts: what
// the request alone gives (prepared before the write transaction), and the version and
// links, which are settled inside it (a reserved version, a derived project or step,
// dependencies given by path).
nlohmann::json PublishedFileData(const RegisterRequest& request);
nlohmann::json PublishedFileLinks(const ContextLinks& context, int64_t version,
                                  const std::vector<int64_t>& dependency_ids);

// The Publish a Register returns, from what it wrote (`context` resolved, with
// names; `created_at` as stored): what a later Get returns.
Publish RegisteredPublish(const RegisterRequest& request, const ContextLinks& context, int64_t id, int64_t version,
                          const std::string& created_at, std::vector<int64_t> dependency_ids);

// Fields a read asks for to build a Publish.
const std::vector<std::string>& PublishedFileFields();

// A Publish from a PublishedFile record holding PublishedFileFields()
// (dependency_ids left empty: they live in pb_publish_dependencies).
Publish PublishFromRecord(const nlohmann::json& record);

// The last path component (the PublishedFile "code", as ShotGrid names it).
std::string FileNameOf(const std::string& path);

}  // namespace pipebridge::core::publishes
