#include "bridge/service/template_service.h"

#include "bridge/core/status_macros.h"
#include "bridge/service/json_struct.h"
#include "pipebridge/v1/templates.pb.h"

namespace pipebridge::service {
namespace {

namespace v1 = pipebridge::v1;
using core::templates::TemplateSet;
using TemplatesPtr = std::shared_ptr<const TemplateSet>;

absl::StatusOr<const TemplateSet*> Loaded(const TemplatesPtr& templates) {
  if (templates == nullptr) {
    return absl::FailedPreconditionError(
        "this bridge has no templates.yml; start it with --templates FILE (or --demo)");
  }
  return templates.get();
}

void FillKey(const core::templates::TemplateKey& key, v1::TemplateKeyInfo* out) {
  const auto& settings = key.settings();
  out->set_name(settings.config_name);
  out->set_type(std::string(core::templates::KeyTypeName(key.type())));
  out->set_alias(key.name());
  if (key.has_default()) JsonToValue(key.DefaultValue(), out->mutable_default_value());
  for (const auto& choice : key.ChoiceTexts()) out->add_choices(choice);
  out->set_format_spec(settings.format_spec.value_or(""));
  out->set_filter_by(settings.filter_by.value_or(""));
  out->set_abstract(key.is_abstract());
}

absl::Status ListTemplates(const TemplateSet& set, v1::ListTemplatesResponse* response) {
  for (const auto* tmpl : set.List()) {
    auto* out = response->add_templates();
    out->set_name(tmpl->name());
    out->set_definition(tmpl->definition());
    out->set_kind(std::string(core::templates::TemplateKindName(tmpl->kind())));
    out->set_root_name(tmpl->root_name());
    for (const auto* key : tmpl->keys()) out->add_keys(key->name());
  }
  for (const auto& key : set.keys()) FillKey(*key, response->add_keys());
  for (const auto& ambiguity : set.ambiguities()) {
    auto* out = response->add_ambiguities();
    out->set_template_a(ambiguity.template_a);
    out->set_template_b(ambiguity.template_b);
    out->set_example_path(ambiguity.example_path);
  }
  return absl::OkStatus();
}

// Registers one unary handler that needs the loaded set.
template <typename Request, typename Response>
absl::Status On(rpc::MethodTable& table, const char* method, TemplatesPtr templates,
                absl::Status (*handler)(const TemplateSet&, const Request&, Response*)) {
  return table.SetUnary<Request, Response>(
      method, [templates, handler](rpc::CallContext&, const Request& request, Response* response) {
        PB_ASSIGN_OR_RETURN(const TemplateSet* set, Loaded(templates));
        return handler(*set, request, response);
      });
}

}  // namespace

absl::Status RegisterTemplateService(rpc::MethodTable& table, TemplatesPtr templates) {
  PB_RETURN_IF_ERROR((On<v1::ListTemplatesRequest, v1::ListTemplatesResponse>(
      table, "pipebridge.v1.TemplateService/ListTemplates", templates,
      [](const TemplateSet& set, const v1::ListTemplatesRequest&, v1::ListTemplatesResponse* response) {
        return ListTemplates(set, response);
      })));
  PB_RETURN_IF_ERROR((On<v1::ApplyTemplateRequest, v1::ApplyTemplateResponse>(
      table, "pipebridge.v1.TemplateService/Apply", templates,
      [](const TemplateSet& set, const v1::ApplyTemplateRequest& request,
         v1::ApplyTemplateResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(std::string path, set.Apply(request.template_(), StructToJson(request.fields())));
        response->set_path(std::move(path));
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((On<v1::ParsePathRequest, v1::ParsePathResponse>(
      table, "pipebridge.v1.TemplateService/Parse", templates,
      [](const TemplateSet& set, const v1::ParsePathRequest& request,
         v1::ParsePathResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(nlohmann::json fields, set.Parse(request.template_(), request.path()));
        JsonToStruct(fields, response->mutable_fields());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((On<v1::MatchPathsRequest, v1::MatchPathsResponse>(
      table, "pipebridge.v1.TemplateService/Match", templates,
      [](const TemplateSet& set, const v1::MatchPathsRequest& request,
         v1::MatchPathsResponse* response) -> absl::Status {
        core::templates::MatchOptions options;
        options.templates.assign(request.templates().begin(), request.templates().end());
        std::vector<std::string> paths(request.paths().begin(), request.paths().end());
        PB_ASSIGN_OR_RETURN(auto results, set.MatchMany(paths, options));
        for (size_t i = 0; i < results.size(); ++i) {
          auto* out = response->add_results();
          out->set_path(paths[i]);
          for (const auto& match : results[i]) {
            auto* m = out->add_matches();
            m->set_template_(match.tmpl->name());
            JsonToStruct(match.fields, m->mutable_fields());
          }
        }
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((On<v1::ExplainPathRequest, v1::ExplainPathResponse>(
      table, "pipebridge.v1.TemplateService/Explain", templates,
      [](const TemplateSet& set, const v1::ExplainPathRequest& request,
         v1::ExplainPathResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto explanation, set.Explain(request.template_(), request.path()));
        response->set_matches(explanation.matches);
        response->set_reason(explanation.reason);
        response->set_segment_index(explanation.segment_index);
        response->set_segment(explanation.segment);
        response->set_key(explanation.key);
        response->set_position(static_cast<int32_t>(explanation.position));
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((On<v1::ValidateFieldsRequest, v1::ValidateFieldsResponse>(
      table, "pipebridge.v1.TemplateService/Validate", templates,
      [](const TemplateSet& set, const v1::ValidateFieldsRequest& request,
         v1::ValidateFieldsResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto problems, set.Validate(request.template_(), StructToJson(request.fields())));
        response->set_valid(problems.empty());
        for (const auto& problem : problems) {
          auto* out = response->add_problems();
          out->set_field(problem.field);
          out->set_message(problem.message);
        }
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((On<v1::MissingKeysRequest, v1::MissingKeysResponse>(
      table, "pipebridge.v1.TemplateService/MissingKeys", templates,
      [](const TemplateSet& set, const v1::MissingKeysRequest& request,
         v1::MissingKeysResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto keys, set.MissingKeys(request.template_(), StructToJson(request.fields()),
                                                       request.skip_defaults()));
        for (auto& key : keys) response->add_keys(std::move(key));
        return absl::OkStatus();
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service
