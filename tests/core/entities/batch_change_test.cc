#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

using BatchTest = StoreTest;

BatchItem MakeCreate(const std::string& type, json data) {
  BatchItem item;
  item.kind = BatchItem::Kind::kCreate;
  item.entity_type = type;
  item.data = std::move(data);
  return item;
}

BatchItem MakeItem(BatchItem::Kind kind, const std::string& type, int64_t id, json data = json::object()) {
  BatchItem item;
  item.kind = kind;
  item.entity_type = type;
  item.id = id;
  item.data = std::move(data);
  return item;
}

TEST_F(BatchTest, ResultsPerIndex) {
  json a = Create("Shot", {{"code", "a"}});
  json b = Create("Shot", {{"code", "b"}});
  ASSERT_TRUE(store_->Retire("Shot", b["id"]).ok());
  auto results = store_->Batch({MakeCreate("Shot", {{"code", "c"}}),
                                MakeItem(BatchItem::Kind::kUpdate, "Shot", a["id"], {{"code", "a2"}}),
                                MakeItem(BatchItem::Kind::kDelete, "Shot", a["id"]),
                                MakeItem(BatchItem::Kind::kRevive, "Shot", b["id"])});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ((*results)[0]["code"], "c");
  EXPECT_EQ((*results)[1]["code"], "a2");
  EXPECT_EQ((*results)[2], true);
  EXPECT_EQ((*results)[3], true);
  std::vector<int64_t> expected = {b["id"], (*results)[0]["id"]};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(FindIds("Shot", json::array()), expected);
}

TEST_F(BatchTest, AFailingItemStoresNothing) {
  json a = Create("Shot", {{"code", "a"}});
  auto results = store_->Batch({MakeCreate("Shot", {{"code", "new"}}),
                                MakeItem(BatchItem::Kind::kUpdate, "Shot", a["id"], {{"code", "changed"}}),
                                MakeItem(BatchItem::Kind::kDelete, "Shot", a["id"]),
                                MakeCreate("Shot", {{"sg_cut_in", "ten"}})});
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(results.status().message()),
            "requests[3].data.sg_cut_in: expected an integer or null, got a string");
  auto shots = Find("Shot", json::array(), {"code"});
  ASSERT_EQ(shots.size(), 1u);
  EXPECT_EQ(shots[0]["code"], "a");  // Update and retire rolled back; create undone.
  auto missing = store_->Batch({MakeCreate("Shot", {{"code", "x"}}), MakeItem(BatchItem::Kind::kUpdate, "Shot", 999, {{"code", "y"}})});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(missing.status().message()), "requests[1]: Shot 999 not found");
  EXPECT_EQ(Find("Shot", json::array()).size(), 1u);
  auto bad_type = store_->Batch({MakeCreate("Shott", {})});
  EXPECT_EQ(std::string(bad_type.status().message()), "requests[0].entity_type: unknown entity type \"Shott\"");
}

TEST_F(BatchTest, LaterItemsSeeEarlierOnes) {
  auto seq = store_->Batch({MakeCreate("Sequence", {{"code", "sq"}})});
  ASSERT_TRUE(seq.ok());
  int64_t seq_id = (*seq)[0]["id"];
  // Retire the sequence and link to it in the same batch: the link is refused.
  auto results = store_->Batch({MakeItem(BatchItem::Kind::kDelete, "Sequence", seq_id),
                                MakeCreate("Shot", {{"code", "s"}, {"sg_sequence", Link("Sequence", seq_id)}})});
  EXPECT_EQ(std::string(results.status().message()),
            absl::StrCat("requests[1].data.sg_sequence: Sequence ", seq_id, " is retired"));
  EXPECT_EQ(FindIds("Sequence", json::array()), std::vector<int64_t>{seq_id});
}

class ChangeHookTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->database().Write([](sqlite::Transaction& txn) {
      return txn.connection().Execute("CREATE TABLE test_events(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    }).ok());
    store_->SetChangeListener([this](sqlite::Transaction& txn, const ChangeRecord& change) -> absl::Status {
      changes.push_back(change);
      // The listener writes its own row in the same transaction.
      auto stmt = txn.connection().Prepare("INSERT INTO test_events(body) VALUES (?)");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, ChangeRecordToJson(change).dump());
      PB_RETURN_IF_ERROR(stmt->Run());
      if (fail_on_field.empty()) return absl::OkStatus();
      for (const FieldChange& c : change.changes) {
        if (c.field == fail_on_field) return absl::AbortedError("event log refused the change");
      }
      return absl::OkStatus();
    });
  }

  int64_t EventRows() {
    int64_t count = -1;
    EXPECT_TRUE(store_->database().Read([&](sqlite::Connection& c) -> absl::Status {
      auto stmt = c.Prepare("SELECT count(*) FROM test_events");
      if (!stmt.ok()) return stmt.status();
      (void)stmt->Step();
      count = stmt->Int(0);
      return absl::OkStatus();
    }).ok());
    return count;
  }

  std::vector<ChangeRecord> changes;
  std::string fail_on_field;
};

TEST_F(ChangeHookTest, OneRecordPerChangeWithOldAndNewValues) {
  json seq = Create("Sequence", {{"code", "sq"}});
  json shot = Create("Shot", {{"code", "sh010"}, {"sg_cut_in", 1}, {"sg_sequence", Link("Sequence", seq["id"])}});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].operation, ChangeOperation::kCreate);
  EXPECT_EQ(changes[1].entity_type, "Shot");
  EXPECT_EQ(changes[1].id, shot["id"]);
  ASSERT_EQ(changes[1].changes.size(), 3u);
  EXPECT_EQ(changes[1].time, now_);

  ASSERT_TRUE(store_->Update({"Shot", shot["id"], {{"code", "sh010"}, {"sg_cut_in", 5}, {"sg_sequence", nullptr}}, {}, {}}).ok());
  ASSERT_EQ(changes.size(), 3u);
  const ChangeRecord& update = changes[2];
  EXPECT_EQ(update.operation, ChangeOperation::kUpdate);
  ASSERT_EQ(update.changes.size(), 2u);  // code did not change
  EXPECT_EQ(update.changes[0].field, "sg_cut_in");
  EXPECT_EQ(update.changes[0].old_value, 1);
  EXPECT_EQ(update.changes[0].new_value, 5);
  EXPECT_EQ(update.changes[1].field, "sg_sequence");
  EXPECT_EQ(update.changes[1].old_value, Link("Sequence", seq["id"]));
  EXPECT_TRUE(update.changes[1].new_value.is_null());

  // An update that changes nothing writes nothing and reports nothing.
  ASSERT_TRUE(store_->Update({"Shot", shot["id"], {{"code", "sh010"}}, {}, {}}).ok());
  EXPECT_EQ(changes.size(), 3u);

  ASSERT_TRUE(store_->Retire("Shot", shot["id"]).ok());
  ASSERT_TRUE(store_->Retire("Shot", shot["id"]).ok());  // no-op: no record
  ASSERT_TRUE(store_->Revive("Shot", shot["id"]).ok());
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[3].operation, ChangeOperation::kRetire);
  EXPECT_EQ(changes[4].operation, ChangeOperation::kRevive);
  EXPECT_EQ(EventRows(), 5);
  EXPECT_EQ(ChangeRecordToJson(changes[2])["operation"], "update");
}

TEST_F(ChangeHookTest, BatchReportsEachItem) {
  json a = Create("Shot", {{"code", "a"}});
  changes.clear();
  auto results = store_->Batch({MakeCreate("Shot", {{"code", "b"}}),
                                MakeItem(BatchItem::Kind::kUpdate, "Shot", a["id"], {{"code", "a2"}}),
                                MakeItem(BatchItem::Kind::kDelete, "Shot", a["id"])});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].operation, ChangeOperation::kCreate);
  EXPECT_EQ(changes[1].operation, ChangeOperation::kUpdate);
  EXPECT_EQ(changes[2].operation, ChangeOperation::kRetire);
  EXPECT_EQ(EventRows(), 4);
}

TEST_F(ChangeHookTest, AFailingListenerRollsTheWriteBack) {
  json shot = Create("Shot", {{"code", "sh010"}, {"description", "before"}});
  fail_on_field = "description";
  auto updated = store_->Update({"Shot", shot["id"], {{"description", "after"}}, {}, {}});
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(std::string(updated.status().message()), "event log refused the change");
  auto got = store_->Get({"Shot", shot["id"], {"description"}, RetiredMode::kActive});
  EXPECT_EQ((*got)["description"], "before");
  auto created = store_->Create({"Shot", {{"code", "x"}, {"description", "d"}}, {}});
  EXPECT_FALSE(created.ok());
  EXPECT_EQ(Find("Shot", json::array()).size(), 1u);
  // A batch whose last item is refused leaves nothing, including the listener's rows.
  int64_t rows = EventRows();
  auto batch = store_->Batch({MakeCreate("Shot", {{"code", "ok"}}), MakeCreate("Shot", {{"description", "no"}})});
  EXPECT_FALSE(batch.ok());
  EXPECT_EQ(EventRows(), rows);
  EXPECT_EQ(Find("Shot", json::array()).size(), 1u);
  // Removing the listener makes writes pass again.
  store_->SetChangeListener(nullptr);
  EXPECT_TRUE(store_->Update({"Shot", shot["id"], {{"description", "after"}}, {}, {}}).ok());
}

TEST_F(ChangeHookTest, CallersCanWriteEntitiesAndTheirOwnRowsAtomically) {
  absl::Status status = store_->database().Write([&](sqlite::Transaction& txn) -> absl::Status {
    auto created = store_->CreateInTransaction(txn, {"PublishedFile", {{"code", "pub"}}, {}});
    if (!created.ok()) return created.status();
    return absl::InternalError("publish registration failed later");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(Find("PublishedFile", json::array()).empty());
  EXPECT_EQ(EventRows(), 0);
}

}  // namespace
}  // namespace pipebridge::core::entities::testing
