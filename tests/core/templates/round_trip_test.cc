// Apply then Parse gives the fields back, and Match finds the template, over thousands
// of generated field sets for every template of the demo config.
#include <random>
#include <thread>

#include "bridge/core/templates/template_set.h"
#include "gtest/gtest.h"
#include "tests/core/templates/test_support.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

class FieldGenerator {
 public:
  explicit FieldGenerator(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string Word(const std::string& alphabet, int min_len, int max_len) {
    std::string s;
    const int n = Uniform(min_len, max_len);
    for (int i = 0; i < n; ++i) s += alphabet[Uniform(0, static_cast<int>(alphabet.size()) - 1)];
    return s;
  }

  // A value the key accepts. Returns null for keys whose Apply is one-way (subset).
  json ValueFor(const TemplateKey& key) {
    const KeySettings& s = key.settings();
    const std::string lower = "abcdefghijklmnopqrstuvwxyz";
    const std::string alnum = lower + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    switch (key.type()) {
      case KeyType::kString: {
        if (s.subset) return nullptr;
        if (!s.choices.empty()) return s.choices[Uniform(0, static_cast<int>(s.choices.size()) - 1)].first;
        std::string value;
        do {
          if (s.filter_by == "alpha") {
            value = Word(lower, 1, 10);
          } else if (s.filter_by && *s.filter_by != "alphanumeric") {
            value = Word(lower, 1, 1) + Word(lower, 0, 9);  // fits the demo's regex filters
          } else {
            value = Word(lower, 1, 1) + Word(alnum, 0, 9);
          }
        } while (!key.CheckValue(value).ok());
        return value;
      }
      case KeyType::kInteger:
        if (!s.choices.empty()) return s.choices[Uniform(0, static_cast<int>(s.choices.size()) - 1)].first;
        return Uniform(0, 20000);
      case KeyType::kSequence:
        if (Uniform(0, 3) == 0) return key.frame_specs()[Uniform(0, static_cast<int>(key.frame_specs().size()) - 1)];
        return Uniform(0, 99999);
      case KeyType::kTimestamp: {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", Uniform(1970, 2099), Uniform(1, 12),
                      Uniform(1, 28), Uniform(0, 23), Uniform(0, 59), Uniform(0, 59));
        return std::string(buf);
      }
    }
    return nullptr;
  }

 private:
  std::mt19937 rng_;
};

TEST(RoundTrip, ApplyThenParseAndMatchOverGeneratedFields) {
  auto set = testing::LoadDemo();
  ASSERT_NE(set, nullptr);
  FieldGenerator gen(20240601);
  size_t checked = 0;
  for (const Template* t : set->List()) {
    for (int round = 0; round < 60; ++round) {
      json fields = json::object();
      bool one_way = false;
      for (const TemplateKey* key : t->keys()) {
        json v = gen.ValueFor(*key);
        if (v.is_null()) one_way = true;
        fields[key->name()] = v;
      }
      if (one_way) break;  // subset keys compress their value; nothing to read back
      auto path = t->Apply(fields);
      ASSERT_TRUE(path.ok()) << t->name() << " " << fields.dump() << ": " << path.status();
      auto parsed = t->Parse(*path);
      ASSERT_TRUE(parsed.ok()) << t->name() << " " << *path << ": " << parsed.status();
      ASSERT_EQ(*parsed, fields) << t->name() << " " << *path;

      MatchOptions options;
      options.include_strings = t->kind() == TemplateKind::kString;
      auto matches = set->Match(*path, options);
      ASSERT_TRUE(matches.ok());
      bool found = false;
      for (const TemplateMatch& m : *matches) found = found || m.tmpl == t;
      ASSERT_TRUE(found) << t->name() << " not among matches of " << *path;
      ++checked;
    }
  }
  EXPECT_GT(checked, 3000u);
}

TEST(RoundTrip, OptionalSectionVariantsReadBack) {
  auto set = testing::LoadDemo();
  const Template* render = set->Find("maya_shot_render");
  FieldGenerator gen(7);
  for (int i = 0; i < 500; ++i) {
    json fields = json::object();
    for (const TemplateKey* key : render->keys()) fields[key->name()] = gen.ValueFor(*key);
    auto path = render->Apply(fields);
    ASSERT_TRUE(path.ok()) << path.status();
    // Drop the optional "<eye>/" folder: the shorter variant must read it without eye.
    const std::string eye_folder = "/" + fields["eye"].get<std::string>() + "/";
    std::string shorter = *path;
    shorter.replace(shorter.rfind(eye_folder), eye_folder.size(), "/");
    auto parsed = render->Parse(shorter);
    ASSERT_TRUE(parsed.ok()) << shorter << ": " << parsed.status();
    json expected = fields;
    expected.erase("eye");
    ASSERT_EQ(*parsed, expected);
  }
}

TEST(RoundTrip, OneSetServesManyThreadsAtOnce) {
  auto set = testing::LoadDemo();
  std::vector<std::pair<const Template*, std::pair<std::string, json>>> cases;
  FieldGenerator gen(99);
  for (const Template* t : set->List()) {
    if (t->kind() != TemplateKind::kPath) continue;
    json fields = json::object();
    for (const TemplateKey* key : t->keys()) fields[key->name()] = gen.ValueFor(*key);
    cases.push_back({t, {*t->Apply(fields), fields}});
  }
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < 50; ++round) {
        for (const auto& [t, c] : cases) {
          auto parsed = t->Parse(c.first);
          auto matches = set->Match(c.first);
          if (!parsed.ok() || *parsed != c.second || !matches.ok() || matches->empty()) ++failures[w];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace pipebridge::core::templates
