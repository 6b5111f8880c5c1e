#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

using SchemaTest = StoreTest;

constexpr const char* kCustomYaml = R"(
entity_types:
  CustomEntity01:
    display_name: Prop
    fields:
      sg_weight: float
      sg_kind: {type: list, valid_values: [hero, background]}
      sg_owner: {type: entity, link_types: [HumanUser], indexed: true}
      sg_shots: {type: multi_entity, link_types: [Shot], display_name: Shots}
      sg_ready: checkbox
  Shot:
    fields:
      sg_frame_rate: float
      sg_status_list: {type: list, valid_values: [wtg, ip, fin, omt, cbb]}
)";

TEST_F(SchemaTest, DefaultTypesAndFields) {
  const Schema& schema = store_->schema();
  for (const char* type : {"Project", "Sequence", "Shot", "Asset", "Step", "Task", "HumanUser", "Version",
                           "PublishedFile"}) {
    EXPECT_NE(schema.FindType(type), nullptr) << type;
  }
  const FieldSchema* seq = schema.FindType("Shot")->FindField("sg_sequence");
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(seq->type, FieldType::kEntity);
  EXPECT_EQ(seq->link_types, std::vector<std::string>{"Sequence"});
  EXPECT_EQ(schema.FindType("Task")->name_field, "content");
  EXPECT_EQ(schema.FindType("Asset")->FindField("sg_asset_type")->type, FieldType::kList);
  json j = store_->SchemaJson();
  EXPECT_EQ(j["Shot"]["fields"]["sg_sequence"]["data_type"], "entity");
  EXPECT_EQ(j["Shot"]["fields"]["sg_sequence"]["link_types"], json::array({"Sequence"}));
  EXPECT_EQ(j["Shot"]["fields"]["id"]["editable"], false);
  EXPECT_EQ(j["Asset"]["fields"]["sg_asset_type"]["valid_values"][0], "Character");
  EXPECT_EQ(j["HumanUser"]["fields"]["login"]["data_type"], "text");
  EXPECT_EQ(j["Task"]["fields"]["task_assignees"]["data_type"], "multi_entity");
}

TEST_F(SchemaTest, CustomTypesFromYaml) {
  auto schema = Schema::DefaultWithYaml(kCustomYaml);
  ASSERT_TRUE(schema.ok()) << schema.status();
  StoreOptions options;
  options.schema = *schema;
  OpenStore(options);
  const EntityTypeSchema* custom = store_->schema().FindType("CustomEntity01");
  ASSERT_NE(custom, nullptr);
  EXPECT_EQ(custom->display_name, "Prop");
  EXPECT_NE(custom->FindField("code"), nullptr);     // Custom types get code, description, project.
  EXPECT_NE(custom->FindField("project"), nullptr);
  EXPECT_EQ(custom->FindField("sg_ready")->type, FieldType::kBool);
  json user = Create("HumanUser", {{"name", "Owner"}});
  json shot = Create("Shot", {{"code", "sh010"}, {"sg_frame_rate", 24.0}, {"sg_status_list", "cbb"}});
  json prop = Create("CustomEntity01", {{"code", "barrel"}, {"sg_weight", 12.5}, {"sg_kind", "hero"},
                                        {"sg_owner", Link("HumanUser", user["id"])},
                                        {"sg_shots", {Link("Shot", shot["id"])}}, {"sg_ready", true}});
  EXPECT_EQ(prop["sg_owner"]["name"], "Owner");
  EXPECT_EQ(prop["sg_shots"][0]["name"], "sh010");
  EXPECT_EQ(FindIds("CustomEntity01", {{"sg_kind", "is", "hero"}, {"sg_owner.HumanUser.name", "is", "Owner"}}),
            std::vector<int64_t>{prop["id"]});
  EXPECT_EQ(store_->Create({"CustomEntity01", {{"sg_kind", "villain"}}, {}}).status().message(),
            "data.sg_kind: \"villain\" is not a valid value of sg_kind (valid: hero, background)");
  EXPECT_EQ(store_->Create({"CustomEntity01", {{"sg_owner", Link("Shot", shot["id"])}}, {}}).status().message(),
            "data.sg_owner.type: field sg_owner cannot link to Shot");
  EXPECT_EQ(store_->SchemaJson()["CustomEntity01"]["fields"]["sg_shots"]["display_name"], "Shots");
  // Task.entity does not list the custom type: links to it are refused.
  EXPECT_FALSE(store_->Create({"Task", {{"entity", Link("CustomEntity01", prop["id"])}}, {}}).ok());
}

TEST_F(SchemaTest, YamlErrorsNameTheElement) {
  auto expect = [](const char* yaml, const std::string& message) {
    auto schema = Schema::DefaultWithYaml(yaml);
    ASSERT_FALSE(schema.ok()) << yaml;
    EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(schema.status().message()), message);
  };
  expect("entity_types: {Prop: {fields: {sg_kind: lst}}}",
         "entity_types.Prop.fields.sg_kind: unknown data type \"lst\"");
  expect("entity_types: {Prop: {fields: {sg_kind: {type: lst}}}}",
         "entity_types.Prop.fields.sg_kind.type: unknown data type \"lst\"");
  expect("entity_types: {Prop: {fields: {sg_owner: {type: entity, link_types: [Nobody]}}}}",
         "entity_types.Prop.fields.sg_owner.link_types: unknown entity type \"Nobody\"");
  expect("entity_types: {prop: {}}", "entity_types.prop: invalid entity type name (expected [A-Z][A-Za-z0-9_]*)");
  expect("entity_types: {Prop: {fields: {Bad-Name: text}}}",
         "entity_types.Prop.fields.Bad-Name: invalid field name (expected lower snake case [a-z][a-z0-9_]*)");
  expect("entity_types: {Shot: {fields: {code: number}}}",
         "entity_types.Shot.fields.code: field \"code\" is already a text field on Shot; it cannot become number");
  expect("entity_types: {Shot: {fields: {id: text}}}",
         "entity_types.Shot.fields.id: field \"id\" is a system field and cannot be redefined");
  expect("entity_types: {Prop: {colour: red}}",
         "entity_types.Prop.colour: unknown key (expected display_name, name_field, fields)");
  expect("entity_types: {Prop: {fields: {x: {type: text, valid_values: [a]}}}}",
         "entity_types.Prop.fields.x.valid_values: only list fields have valid values");
  expect("entity_types: {Prop: {name_field: title}}", "entity_types.Prop.name_field: no field \"title\"");
  expect("entities: {}", "entities: unknown key (expected entity_types)");
  auto broken = Schema::DefaultWithYaml("entity_types: {Prop: [");
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(broken.status().message().rfind("config: invalid YAML at line 1", 0), 0u) << broken.status();
}

TEST_F(SchemaTest, MigrationAddsFieldsToAnExistingDatabase) {
  json shot = Create("Shot", {{"code", "sh010"}});
  auto schema = Schema::DefaultWithYaml("entity_types: {Shot: {fields: {sg_frame_rate: float, sg_vendor: {type: entity, link_types: [HumanUser]}}}}");
  ASSERT_TRUE(schema.ok());
  StoreOptions options;
  options.schema = *schema;
  OpenStore(options);
  auto got = store_->Get({"Shot", shot["id"], {"code", "sg_frame_rate", "sg_vendor"}, RetiredMode::kActive});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["code"], "sh010");
  EXPECT_TRUE((*got)["sg_frame_rate"].is_null());
  auto updated = store_->Update({"Shot", shot["id"], {{"sg_frame_rate", 23.976}}, {}, {}});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(FindIds("Shot", {{"sg_frame_rate", "greater_than", 23.0}}), std::vector<int64_t>{shot["id"]});
  // Reopening with the default schema keeps the data; the field is just not visible.
  OpenStore();
  EXPECT_EQ(FindError("Shot", {{"sg_frame_rate", "is", 1.0}}).message(),
            "filters[0][0]: unknown field \"sg_frame_rate\" on Shot");
  OpenStore(options);
  EXPECT_EQ(FindIds("Shot", {{"sg_frame_rate", "greater_than", 23.0}}), std::vector<int64_t>{shot["id"]});
}

TEST_F(SchemaTest, ChangingAStoredFieldTypeIsRefused) {
  auto first = Schema::DefaultWithYaml("entity_types: {Shot: {fields: {sg_extra: text}}}");
  StoreOptions options;
  options.schema = *first;
  OpenStore(options);
  store_.reset();
  StoreOptions changed;
  changed.schema = *Schema::DefaultWithYaml("entity_types: {Shot: {fields: {sg_extra: number}}}");
  auto store = EntityStore::Open(path_, changed);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(store.status().message()),
            "schema: Shot.sg_extra is configured as number but stored as text; changing a field's data type is not supported");
}

}  // namespace
}  // namespace pipebridge::core::entities::testing
