#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/sqlite/connection.h"
#include "bridge/core/sqlite/database.h"
#include "bridge/core/sqlite/transaction.h"
#include "gtest/gtest.h"

namespace pipebridge::core::sqlite {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "pb_sqlite_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/store.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Database> OpenDb(OpenOptions options = {}) {
    auto db = Database::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  int64_t QueryInt(Connection& c, const std::string& sql) {
    auto stmt = c.Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->Int(0);
  }

  std::string dir_;
  std::string path_;
};

TEST_F(SqliteTest, MissingFolderIsAClearErrorWithoutThePath) {
  auto db = Database::Open(dir_ + "/no_such_folder/store.db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("folder does not exist"), std::string::npos);
  EXPECT_EQ(db.status().message().find(dir_), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/no_such_folder"));
}

TEST_F(SqliteTest, MissingFileWithoutCreateIsNotFound) {
  OpenOptions options;
  options.create_if_missing = false;
  auto db = Database::Open(path_, options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteTest, InMemoryIsRefused) {
  EXPECT_EQ(Database::Open(":memory:").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteTest, NotADatabaseIsDataLoss) {
  FILE* f = fopen(path_.c_str(), "w");
  fputs("this is not a sqlite database, just some text that is long enough to matter......", f);
  fclose(f);
  auto db = Database::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
}

TEST_F(SqliteTest, PragmasAreApplied) {
  auto c = Connection::Open(path_, {});
  ASSERT_TRUE(c.ok());
  auto stmt = (*c)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Text(0), "wal");
  stmt = Statement();
  EXPECT_EQ(QueryInt(**c, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(QueryInt(**c, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(QueryInt(**c, "PRAGMA busy_timeout"), 5000);

  OpenOptions normal;
  normal.durability = Durability::kNormal;
  normal.busy_timeout = absl::Milliseconds(250);
  auto c2 = Connection::Open(path_, normal);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(QueryInt(**c2, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(QueryInt(**c2, "PRAGMA busy_timeout"), 250);
}

TEST_F(SqliteTest, BindAndReadHelpersRoundTrip) {
  auto c = Connection::Open(path_, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Execute("CREATE TABLE t(a, b, c, d)").ok());
  auto insert = (*c)->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  insert->BindAll({Value{int64_t{42}}, Value{2.5}, Value{std::string("h\0llo", 5)},
                   Value{std::monostate{}}});
  ASSERT_TRUE(insert->Run().ok());
  EXPECT_EQ((*c)->LastInsertRowId(), 1);
  EXPECT_EQ((*c)->Changes(), 1);
  auto select = (*c)->Prepare("SELECT a, b, c, d FROM t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnCount(), 4);
  EXPECT_EQ(select->Int(0), 42);
  EXPECT_DOUBLE_EQ(select->Double(1), 2.5);
  EXPECT_EQ(select->Text(2), absl::string_view("h\0llo", 5));
  EXPECT_TRUE(select->IsNull(3));
  EXPECT_EQ(std::get<int64_t>(select->ColumnValue(0)), 42);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(select->ColumnValue(3)));
  EXPECT_FALSE(*select->Step());
}

TEST_F(SqliteTest, StatementCacheReusesAndHandlesNestedUse) {
  auto c = Connection::Open(path_, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Execute("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);").ok());
  sqlite3_stmt* first = nullptr;
  {
    auto s = (*c)->Prepare("SELECT a FROM t ORDER BY a");
    ASSERT_TRUE(s.ok());
    first = sqlite3_next_stmt((*c)->raw(), nullptr);
  }
  {
    auto outer = (*c)->Prepare("SELECT a FROM t ORDER BY a");
    ASSERT_TRUE(outer.ok());
    // Same statement handle came back from the cache, reset.
    EXPECT_EQ(sqlite3_next_stmt((*c)->raw(), nullptr), first);
    ASSERT_TRUE(*outer->Step());
    // Nested use of the same SQL while the cached one is borrowed.
    auto inner = (*c)->Prepare("SELECT a FROM t ORDER BY a");
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->Int(0), 1);
    ASSERT_TRUE(*outer->Step());
    EXPECT_EQ(outer->Int(0), 2);
  }
}

TEST_F(SqliteTest, StatementCacheEvictsLeastRecentlyUsed) {
  OpenOptions options;
  options.statement_cache_size = 2;
  auto c = Connection::Open(path_, options);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 10; ++i) {
    auto s = (*c)->Prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(s.ok());
  }
  int live = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt((*c)->raw(), nullptr); s != nullptr;
       s = sqlite3_next_stmt((*c)->raw(), s)) {
    ++live;
  }
  EXPECT_EQ(live, 2);
}

TEST_F(SqliteTest, ErrorsNeverLeakSqlButLogKeepsIt) {
  std::vector<std::string> logged;
  OpenOptions options;
  options.log = [&](absl::string_view line) { logged.emplace_back(line); };
  auto c = Connection::Open(path_, options);
  ASSERT_TRUE(c.ok());
  auto s = (*c)->Prepare("SELECT secret_column FROM secret_table");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.status().message().find("secret"), std::string::npos) << s.status();
  EXPECT_EQ(s.status().message().find("SELECT"), std::string::npos);
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged.back().find("secret_table"), std::string::npos);
}

TEST_F(SqliteTest, ConstraintViolationIsFailedPrecondition) {
  auto c = Connection::Open(path_, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Execute("CREATE TABLE p(id INTEGER PRIMARY KEY);"
                            "CREATE TABLE k(p INTEGER REFERENCES p(id));").ok());
  auto s = (*c)->Prepare("INSERT INTO k VALUES (7)");
  ASSERT_TRUE(s.ok());
  absl::Status status = s->Run();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;  // foreign_keys=ON
}

TEST_F(SqliteTest, TransactionRollsBackOnDestructionAndCommits) {
  auto c = Connection::Open(path_, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Execute("CREATE TABLE t(a)").ok());
  {
    auto txn = Transaction::Begin(**c);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->connection().Execute("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(QueryInt(**c, "SELECT count(*) FROM t"), 0);
  {
    auto txn = Transaction::Begin(**c);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->connection().Execute("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn->Commit().ok());
    EXPECT_FALSE(txn->Commit().ok());
  }
  EXPECT_EQ(QueryInt(**c, "SELECT count(*) FROM t"), 1);
}

TEST_F(SqliteTest, WriteCommitsOnOkAndRollsBackOnError) {
  auto db = OpenDb();
  ASSERT_TRUE(db->Write([](Transaction& t) { return t.connection().Execute("CREATE TABLE t(a)"); }).ok());
  absl::Status failed = db->Write([](Transaction& t) -> absl::Status {
    auto s = t.connection().Execute("INSERT INTO t VALUES (1)");
    if (!s.ok()) return s;
    return absl::AbortedError("listener said no");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(db->Write([](Transaction& t) { return t.connection().Execute("INSERT INTO t VALUES (2)"); }).ok());
  int64_t count = -1, value = -1;
  ASSERT_TRUE(db->Read([&](Connection& c) {
    count = QueryInt(c, "SELECT count(*) FROM t");
    value = QueryInt(c, "SELECT a FROM t");
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(value, 2);
}

TEST_F(SqliteTest, NestedWriteIsRefusedNotDeadlocked) {
  auto db = OpenDb();
  absl::Status inner;
  ASSERT_TRUE(db->Write([&](Transaction&) {
    inner = db->Write([](Transaction&) { return absl::OkStatus(); });
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteTest, ReadersCannotWrite) {
  auto db = OpenDb();
  ASSERT_TRUE(db->Write([](Transaction& t) { return t.connection().Execute("CREATE TABLE t(a)"); }).ok());
  absl::Status status = db->Read([](Connection& c) { return c.Execute("INSERT INTO t VALUES (1)"); });
  EXPECT_FALSE(status.ok());
}

TEST_F(SqliteTest, DataSurvivesReopen) {
  {
    auto db = OpenDb();
    ASSERT_TRUE(db->Write([](Transaction& t) {
      return t.connection().Execute("CREATE TABLE t(a); INSERT INTO t VALUES (99);");
    }).ok());
  }
  auto db = OpenDb();
  int64_t value = 0;
  ASSERT_TRUE(db->Read([&](Connection& c) {
    value = QueryInt(c, "SELECT a FROM t");
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(value, 99);
}

TEST_F(SqliteTest, ReadSeesOneSnapshotWhileWriterCommits) {
  auto db = OpenDb();
  ASSERT_TRUE(db->Write([](Transaction& t) {
    return t.connection().Execute("CREATE TABLE t(a); INSERT INTO t VALUES (1);");
  }).ok());
  int64_t before = 0, after = 0;
  ASSERT_TRUE(db->Read([&](Connection& c) {
    before = QueryInt(c, "SELECT count(*) FROM t");
    // A write committed by another thread while this snapshot is open.
    std::thread writer([&] {
      EXPECT_TRUE(db->Write([](Transaction& t) {
        return t.connection().Execute("INSERT INTO t VALUES (2)");
      }).ok());
    });
    writer.join();
    after = QueryInt(c, "SELECT count(*) FROM t");
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
}

TEST_F(SqliteTest, ConcurrentWritersAndReadersFromManyThreads) {
  auto db = OpenDb();
  ASSERT_TRUE(db->Write([](Transaction& t) {
    return t.connection().Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
  }).ok());
  constexpr int kThreads = 6;
  constexpr int kWrites = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kWrites; ++n) {
        absl::Status s = db->Write([&](Transaction& t) -> absl::Status {
          auto stmt = t.connection().Prepare("INSERT INTO t(v) VALUES (?)");
          if (!stmt.ok()) return stmt.status();
          stmt->BindInt(1, i * 1000 + n);
          return stmt->Run();
        });
        if (!s.ok()) ++failures;
        s = db->Read([&](Connection& c) -> absl::Status {
          auto stmt = c.Prepare("SELECT count(*) FROM t WHERE v >= ?");
          if (!stmt.ok()) return stmt.status();
          stmt->BindInt(1, 0);
          auto row = stmt->Step();
          if (!row.ok()) return row.status();
          return stmt->Int(0) > 0 ? absl::OkStatus() : absl::InternalError("empty");
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  int64_t count = 0;
  ASSERT_TRUE(db->Read([&](Connection& c) {
    count = QueryInt(c, "SELECT count(*) FROM t");
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(count, kThreads * kWrites);
}

}  // namespace
}  // namespace pipebridge::core::sqlite
