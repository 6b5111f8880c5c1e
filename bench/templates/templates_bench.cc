// Parse and Match throughput over generated paths against the 60-template demo config
// (bridge/server/demo/templates/templates.yml). Prints paths/s per benchmark.
//   templates_bench [--config=path/to/templates.yml] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <random>

#include "bridge/core/templates/templates_yaml_loader.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

std::string g_config = PIPEBRIDGE_TEMPLATES_BENCH_CONFIG;

struct Corpus {
  std::shared_ptr<const TemplateSet> set;
  std::vector<std::pair<const Template*, std::string>> paths;  // template, path it was applied to
};

json ValueFor(const TemplateKey& key, std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const KeySettings& s = key.settings();
  switch (key.type()) {
    case KeyType::kString: {
      if (!s.choices.empty()) return s.choices[uniform(0, static_cast<int>(s.choices.size()) - 1)].first;
      std::string v(1, static_cast<char>('a' + uniform(0, 25)));
      for (int i = uniform(2, 8); i > 0; --i) v += static_cast<char>('a' + uniform(0, 25));
      return v;
    }
    case KeyType::kInteger:
      if (!s.choices.empty()) return s.choices[uniform(0, static_cast<int>(s.choices.size()) - 1)].first;
      return uniform(1, 300);
    case KeyType::kSequence: return uniform(1001, 1240);
    case KeyType::kTimestamp: return "2024-06-01T12:30:45";
  }
  return nullptr;
}

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    TemplatesLoadOptions options;
    options.roots = {{"primary", "/mnt/projects/demo"}, {"secondary", "/mnt/renders/demo"}};
    auto loaded = LoadTemplatesYaml(g_config, options);
    if (!loaded.ok()) {
      std::cerr << "cannot load templates: " << loaded.status() << "\n";
      std::exit(1);
    }
    c.set = *loaded;
    std::mt19937 rng(42);
    for (int round = 0; round < 200; ++round) {
      for (const Template* t : c.set->List()) {
        if (t->kind() != TemplateKind::kPath) continue;
        json fields = json::object();
        for (const TemplateKey* key : t->keys()) fields[key->name()] = ValueFor(*key, rng);
        auto path = t->Apply(fields);
        if (path.ok()) c.paths.emplace_back(t, *path);
      }
    }
    std::cerr << c.set->List().size() << " templates, " << c.paths.size() << " generated paths\n";
    return c;
  }();
  return corpus;
}

// Parse each path with the template it came from.
void BM_Parse(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [t, path] = c.paths[i];
    auto fields = t->Parse(path);
    benchmark::DoNotOptimize(fields);
    if (++i == c.paths.size()) i = 0;
  }
  state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Parse);

// Parse through the TemplateSet (name lookup included), as the RPC handler will call it.
void BM_ParseByName(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [t, path] = c.paths[i];
    auto fields = c.set->Parse(t->name(), path);
    benchmark::DoNotOptimize(fields);
    if (++i == c.paths.size()) i = 0;
  }
  state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseByName);

// Match each path against every path template.
void BM_Match(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  size_t i = 0;
  for (auto _ : state) {
    auto matches = c.set->Match(c.paths[i].second);
    benchmark::DoNotOptimize(matches);
    if (++i == c.paths.size()) i = 0;
  }
  state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Match);

// Apply, for comparison.
void BM_Apply(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::vector<json> fields;
  for (size_t k = 0; k < 1000 && k < c.paths.size(); ++k) fields.push_back(*c.paths[k].first->Parse(c.paths[k].second));
  size_t i = 0;
  for (auto _ : state) {
    auto path = c.paths[i].first->Apply(fields[i]);
    benchmark::DoNotOptimize(path);
    if (++i == fields.size()) i = 0;
  }
  state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Apply);

// Loading the config, ambiguity detection included.
void BM_Load(benchmark::State& state) {
  TemplatesLoadOptions options;
  options.roots = {{"primary", "/mnt/projects/demo"}, {"secondary", "/mnt/renders/demo"}};
  for (auto _ : state) {
    auto loaded = LoadTemplatesYaml(g_config, options);
    benchmark::DoNotOptimize(loaded);
  }
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pipebridge::core::templates

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--config=", 9) == 0) {
      pipebridge::core::templates::g_config = argv[i] + 9;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
