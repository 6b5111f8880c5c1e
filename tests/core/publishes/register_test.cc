// Register and Get: what is stored, versions, conflicts, atomicity, events.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "bridge/core/publishes/publish_store.h"
#include "tests/core/publishes/publish_fixture.h"

namespace pipebridge::core::publishes::testing {
namespace {

const std::string kSha = "sha256:" + std::string(64, 'a');

TEST_F(PublishTest, RegisterStoresEveryFieldAndGetReturnsIt) {
  Publish upstream = MustRegister(Request("/mnt/projects/demo/shots/sh010/anim/publish/maya/rig.v001.ma", "rig"));
  RegisterRequest request = Request("/mnt/projects/demo/shots/sh010/anim/publish/renders/beauty/v001/beauty.%04d.exr",
                                    "beauty", "Rendered Image");
  request.version = 1;
  request.context = {{"entity", Link("Shot", shots[0])}, {"task", Link("Task", task_anim)},
                     {"user", Link("HumanUser", user)}};
  request.description = "first light";
  request.checksum = kSha;
  request.size_bytes = 12345;
  request.frame_range = FrameRange{1001, 1100};
  request.metadata = {{"colorspace", "ACEScg"}, {"samples", 64}};
  request.template_name = "render_shot_publish";
  request.dependencies = {DependencyRef::ById(upstream.id)};
  request.source_host = "nuke-1";
  PB_ASSERT_OK_AND_ASSIGN(Publish stored, publishes_->Register(request));

  PB_ASSERT_OK_AND_ASSIGN(Publish by_id, publishes_->Get(stored.id));
  PB_ASSERT_OK_AND_ASSIGN(Publish by_path, publishes_->GetByPath(request.path));
  for (const Publish* p : {&stored, &by_id, &by_path}) {
    EXPECT_EQ(p->id, stored.id);
    EXPECT_EQ(p->path, request.path);
    EXPECT_EQ(p->name, "beauty");
    EXPECT_EQ(p->publish_type, "Rendered Image");
    EXPECT_EQ(p->version, 1);
    EXPECT_EQ(p->description, "first light");
    EXPECT_EQ(p->checksum, kSha);
    EXPECT_EQ(p->size_bytes, 12345);
    ASSERT_TRUE(p->frame_range.has_value());
    EXPECT_EQ(p->frame_range->first, 1001);
    EXPECT_EQ(p->frame_range->last, 1100);
    EXPECT_EQ(p->metadata, request.metadata);
    EXPECT_EQ(p->template_name, "render_shot_publish");
    EXPECT_EQ(p->created_by, "alice");
    EXPECT_EQ(p->source_host, "nuke-1");
    EXPECT_EQ(p->dependency_ids, std::vector<int64_t>{upstream.id});
    EXPECT_NE(p->created_at, absl::InfinitePast());
    EXPECT_EQ(p->context.at("entity").at("id"), shots[0]);
    // Derived: the project from the shot, the step from the task.
    EXPECT_EQ(p->context.at("project").at("id"), project);
    EXPECT_EQ(p->context.at("step").at("id"), step_anim);
    EXPECT_EQ(p->context.at("task").at("id"), task_anim);
    EXPECT_EQ(p->context.at("user").at("id"), user);
  }
  // Register builds what it returns from what it wrote: exactly what reads return.
  EXPECT_EQ(PublishToJson(stored), PublishToJson(by_id));
  EXPECT_EQ(stored.context, by_id.context);  // Link names included.
  RegisterRequest bare = Request("/mnt/projects/demo/shots/sh010/anim/publish/maya/bare.ma", "bare");
  bare.context = {{"entity", Link("Shot", shots[1])}, {"project", Link("Project", project)}};
  bare.metadata = nullptr;
  PB_ASSERT_OK_AND_ASSIGN(Publish bare_stored, publishes_->Register(bare));
  PB_ASSERT_OK_AND_ASSIGN(Publish bare_read, publishes_->Get(bare_stored.id));
  EXPECT_EQ(PublishToJson(bare_stored), PublishToJson(bare_read));
  EXPECT_EQ(bare_stored.context, bare_read.context);
  EXPECT_EQ(bare_stored.metadata, json::object());

  // The PublishedFile entity is what ShotGrid-style tools see.
  entities::GetRequest get;
  get.entity_type = "PublishedFile";
  get.id = stored.id;
  PB_ASSERT_OK_AND_ASSIGN(json record, entities_->Get(get));
  EXPECT_EQ(record["code"], "beauty.%04d.exr");
  EXPECT_EQ(record["path_cache"], request.path);
  EXPECT_EQ(record["version_number"], 1);
  EXPECT_EQ(record["upstream_published_files"].size(), 1u);

  json as_json = PublishToJson(by_id);
  EXPECT_EQ(as_json["frame_range"]["first"], 1001);
  EXPECT_EQ(as_json["template"], "render_shot_publish");
  EXPECT_EQ(as_json["dependency_ids"], json::array({upstream.id}));
}

TEST_F(PublishTest, VersionZeroTakesTheNextVersionPerKey) {
  EXPECT_EQ(MustRegister(Request("/p/a1")).version, 1);
  EXPECT_EQ(MustRegister(Request("/p/a2")).version, 2);
  EXPECT_EQ(MustRegister(Request("/p/b1", "other_name")).version, 1);
  EXPECT_EQ(MustRegister(Request("/p/c1", "hero_model", "Alembic Cache")).version, 1);
  RegisterRequest on_task = Request("/p/t1");
  on_task.context["task"] = Link("Task", task_anim);
  EXPECT_EQ(MustRegister(on_task).version, 1);  // Task is part of the key.
  RegisterRequest other_shot = Request("/p/s1");
  other_shot.context = ShotContext(1);
  EXPECT_EQ(MustRegister(other_shot).version, 1);
  EXPECT_EQ(MustRegister(Request("/p/a3")).version, 3);
}

TEST_F(PublishTest, ExplicitVersionMustBeFreeAndRaisesTheCounter) {
  RegisterRequest v5 = Request("/p/v5");
  v5.version = 5;
  EXPECT_EQ(MustRegister(v5).version, 5);
  RegisterRequest again = Request("/p/v5-again");
  again.version = 5;
  absl::StatusOr<Publish> conflict = publishes_->Register(again);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists) << conflict.status();
  EXPECT_TRUE(absl::StartsWith(conflict.status().message(), "version: ")) << conflict.status();
  // The same number under another task is another key.
  again.context["task"] = Link("Task", task_anim);
  EXPECT_EQ(MustRegister(again).version, 5);
  // Reservations continue after the highest explicit version.
  EXPECT_EQ(MustRegister(Request("/p/next")).version, 6);
  // A lower free number is accepted.
  RegisterRequest v2 = Request("/p/v2");
  v2.version = 2;
  EXPECT_EQ(MustRegister(v2).version, 2);
}

TEST_F(PublishTest, SamePathTwiceIsAlreadyExists) {
  MustRegister(Request("/p/same"));
  absl::StatusOr<Publish> again = publishes_->Register(Request("/p/same", "another_name"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(absl::StartsWith(again.status().message(), "path: ")) << again.status();
  EXPECT_EQ(again.status().message().find("/p/same"), absl::string_view::npos);
}

TEST_F(PublishTest, ReservedVersionsAreNeverHandedOutAgain) {
  VersionKey key{ShotContext(), "hero_model", "Maya Scene"};
  PB_ASSERT_OK_AND_ASSIGN(int64_t first, publishes_->ReserveVersion(key));
  PB_ASSERT_OK_AND_ASSIGN(int64_t second, publishes_->ReserveVersion(key));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  // Neither was registered; the next Register still gets a fresh number.
  EXPECT_EQ(MustRegister(Request("/p/x")).version, 3);
  // And they survive reopening the store.
  CloseStores();
  OpenStores();
  PB_ASSERT_OK_AND_ASSIGN(int64_t after_reopen, publishes_->ReserveVersion(key));
  EXPECT_EQ(after_reopen, 4);
  // A reserved number can be registered explicitly.
  RegisterRequest reserved = Request("/p/reserved");
  reserved.version = first;
  EXPECT_EQ(MustRegister(reserved).version, 1);
}

TEST_F(PublishTest, EachRegisterMakesExactlyOneEntityChangeRecord) {
  std::vector<entities::ChangeRecord> changes;
  entities_->SetChangeListener([&](sqlite::Transaction&, const entities::ChangeRecord& change) {
    changes.push_back(change);
    return absl::OkStatus();
  });
  Publish a = MustRegister(Request("/p/a"));
  RegisterRequest b = Request("/p/b");
  b.dependencies = {DependencyRef::ById(a.id), DependencyRef::ByPath("/p/a")};
  Publish b_publish = MustRegister(b);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].entity_type, "PublishedFile");
  EXPECT_EQ(changes[0].operation, entities::ChangeOperation::kCreate);
  EXPECT_EQ(changes[0].id, a.id);
  EXPECT_EQ(changes[1].id, b_publish.id);
  // A dependency given twice (by id and by path) is stored once.
  EXPECT_EQ(b_publish.dependency_ids, std::vector<int64_t>{a.id});
  // A failed Register makes none.
  EXPECT_FALSE(publishes_->Register(Request("/p/a")).ok());
  EXPECT_EQ(changes.size(), 2u);
  entities_->SetChangeListener(nullptr);
}

TEST_F(PublishTest, FailedRegisterLeavesNothingBehind) {
  Publish a = MustRegister(Request("/p/a"));
  const int64_t files = CountPublishedFiles();
  const int64_t rows = CountRows("pb_publishes");
  const int64_t edges = CountRows("pb_publish_dependencies");
  const int64_t counters = CountRows("pb_publish_versions");
  // Fails after the version was reserved and the entity created: the change
  // listener refuses the write.
  entities_->SetChangeListener([](sqlite::Transaction&, const entities::ChangeRecord&) {
    return absl::UnavailableError("listener refused");
  });
  RegisterRequest request = Request("/p/b", "new_name");
  request.dependencies = {DependencyRef::ById(a.id)};
  EXPECT_EQ(publishes_->Register(request).status().code(), absl::StatusCode::kUnavailable);
  entities_->SetChangeListener(nullptr);
  // Fails on the last dependency, after everything before it was checked.
  request.dependencies = {DependencyRef::ById(a.id), DependencyRef::ById(a.id + 100)};
  EXPECT_EQ(publishes_->Register(request).status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(CountPublishedFiles(), files);
  EXPECT_EQ(CountRows("pb_publishes"), rows);
  EXPECT_EQ(CountRows("pb_publish_dependencies"), edges);
  EXPECT_EQ(CountRows("pb_publish_versions"), counters);
  // The version a failed version-0 Register reserved was rolled back with it.
  request.dependencies.clear();
  EXPECT_EQ(MustRegister(request).version, 1);
  EXPECT_EQ(publishes_->GetByPath("/p/b")->version, 1);
}

TEST_F(PublishTest, TemplateCheckAcceptsFittingPathsAndExplainsOthers) {
  RegisterRequest fits = Request("/mnt/projects/demo/shots/sh010/anim/publish/maya/hero.v003.ma");
  fits.template_name = "maya_shot_publish";
  EXPECT_EQ(MustRegister(fits).template_name, "maya_shot_publish");

  RegisterRequest wrong = Request("/mnt/projects/demo/shots/sh010/anim/publish/maya/hero.vABC.ma");
  wrong.template_name = "maya_shot_publish";
  absl::Status status = publishes_->Register(wrong).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "path: does not fit template \"maya_shot_publish\": ")) << status;

  wrong.template_name = "no_such_template";
  status = publishes_->Register(wrong).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "template: unknown template")) << status;
  EXPECT_EQ(CountRows("pb_publishes"), 1);
}

TEST_F(PublishTest, RegisterManyIsAllOrNothingAndSeesEarlierItems) {
  RegisterRequest base = Request("/p/base");
  RegisterRequest derived = Request("/p/derived", "derived");
  derived.dependencies = {DependencyRef::ByPath("/p/base")};
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> both, publishes_->RegisterMany({base, derived}));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].dependency_ids, std::vector<int64_t>{both[0].id});

  RegisterRequest bad = Request("/p/bad");
  bad.checksum = "md5:abc";
  absl::Status status = publishes_->RegisterMany({Request("/p/ok"), bad}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "requests[1].checksum: ")) << status;
  EXPECT_FALSE(publishes_->GetByPath("/p/ok").ok());
}

TEST_F(PublishTest, ConcurrentRegistersFromThreadsGetDistinctVersions) {
  constexpr int kThreads = 6;
  constexpr int kEach = 20;
  std::vector<std::vector<int64_t>> versions(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<Publish> p =
            publishes_->Register(Request("/p/t" + std::to_string(t) + "_" + std::to_string(i)));
        if (!p.ok()) {
          ++failures;
          continue;
        }
        versions[t].push_back(p->version);
        // Readers run alongside the writers.
        if (!publishes_->Get(p->id).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<int64_t> all;
  for (const auto& v : versions) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<int64_t>(i + 1));
}

// Group commit: a request that fails inside a shared transaction (its path is
// taken) fails alone; every other request of the batch still commits.
TEST_F(PublishTest, ConcurrentRegistersWithFailuresFailOnlyThemselves) {
  MustRegister(Request("/p/taken"));
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::atomic<int> ok{0}, already_exists{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const bool clash = i % 5 == 0;
        RegisterRequest request =
            Request(clash ? "/p/taken" : "/p/g" + std::to_string(t) + "_" + std::to_string(i), "grouped");
        absl::StatusOr<Publish> p = publishes_->Register(request);
        if (p.ok()) {
          ++ok;
        } else if (p.status().code() == absl::StatusCode::kAlreadyExists && clash) {
          ++already_exists;
        } else {
          ++other;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(already_exists.load(), kThreads * kEach / 5);
  EXPECT_EQ(ok.load(), kThreads * kEach * 4 / 5);
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> latest, publishes_->FindLatest({ShotContext(), "grouped", ""}));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].version, ok.load());  // No version consumed by a failed Register.
  EXPECT_EQ(CountRows("pb_publishes"), ok.load() + 1);
}

}  // namespace
}  // namespace pipebridge::core::publishes::testing
