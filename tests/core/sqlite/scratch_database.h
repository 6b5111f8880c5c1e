// A fixture for tests of the sqlite layer: a Database (durability kNormal) in a fresh
// temporary folder with the test's tables created, removed after the test.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "bridge/core/sqlite/database.h"
#include "bridge/core/sqlite/transaction.h"
#include "gtest/gtest.h"

namespace pipebridge::core::sqlite::testing {

class ScratchDatabaseTest : public ::testing::Test {
 protected:
  // `schema`: the statements that create the test's tables.
  explicit ScratchDatabaseTest(std::string schema) : schema_(std::move(schema)) {}

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "pb_sqlite_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    OpenOptions options;
    options.durability = Durability::kNormal;
    auto db = Database::Open(path(), options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Write([&](Transaction& txn) {
                     return txn.connection().Execute(schema_);
                   }).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string path() const { return dir_ + "/store.db"; }

  // The single integer `sql` selects, read through a reader connection.
  int64_t ReadInt(const std::string& sql) {
    int64_t value = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> absl::Status {
                     auto stmt = c.Prepare(sql);
                     if (!stmt.ok()) return stmt.status();
                     auto row = stmt->Step();
                     if (!row.ok()) return row.status();
                     value = stmt->Int(0);
                     return absl::OkStatus();
                   }).ok());
    return value;
  }

  std::unique_ptr<Database> db_;

 private:
  std::string schema_;
  std::string dir_;
};

}  // namespace pipebridge::core::sqlite::testing
