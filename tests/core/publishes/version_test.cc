// ReserveVersion under concurrency: threads of one process, and several
// processes sharing the database file.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/publishes/publish_store.h"
#include "tests/core/publishes/publish_fixture.h"

namespace pipebridge::core::publishes::testing {
namespace {

// 1..n exactly once each.
void ExpectNoDuplicatesNoGaps(std::vector<int64_t> versions, size_t n) {
  std::sort(versions.begin(), versions.end());
  ASSERT_EQ(versions.size(), n);
  EXPECT_EQ(std::adjacent_find(versions.begin(), versions.end()), versions.end()) << "duplicate version";
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(versions[i], static_cast<int64_t>(i + 1)) << "gap";
}

TEST_F(PublishTest, ReserveVersionFromManyThreadsNeverRepeats) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  VersionKey key{ShotContext(), "plate", "Image Sequence"};
  std::vector<std::vector<int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<int64_t> v = publishes_->ReserveVersion(key);
        if (v.ok()) got[t].push_back(*v);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<int64_t> all;
  for (const auto& v : got) all.insert(all.end(), v.begin(), v.end());
  ExpectNoDuplicatesNoGaps(all, kThreads * kEach);
}

// Each child opens its own store on the file, reserves `each` versions and
// writes them to its pipe; the parent checks the union.
TEST_F(PublishTest, ReserveVersionFromManyProcessesNeverRepeats) {
  constexpr int kProcesses = 4;
  constexpr int kEach = 50;
  const json context = ShotContext();
  // No connection may cross fork(): close everything first.
  CloseStores();
  std::vector<pid_t> children;
  std::vector<int> read_ends;
  for (int p = 0; p < kProcesses; ++p) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      int code = 0;
      {
        auto store = OpenEntityStore(path_);
        auto publishes = store.ok() ? PublishStore::Open(**store) : absl::StatusOr<std::unique_ptr<PublishStore>>(
                                                                        store.status());
        if (!publishes.ok()) {
          code = 2;
        } else {
          VersionKey key{context, "cache", "Alembic Cache"};
          for (int i = 0; i < kEach; ++i) {
            absl::StatusOr<int64_t> v = (*publishes)->ReserveVersion(key);
            if (!v.ok()) {
              code = 3;
              break;
            }
            const std::string line = std::to_string(*v) + "\n";
            if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) code = 4;
          }
        }
      }
      close(fds[1]);
      _exit(code);
    }
    close(fds[1]);
    children.push_back(pid);
    read_ends.push_back(fds[0]);
  }
  std::vector<int64_t> all;
  for (int fd : read_ends) {
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    close(fd);
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      all.push_back(std::stoll(text.substr(start, end - start)));
      start = end + 1;
    }
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  ExpectNoDuplicatesNoGaps(all, kProcesses * kEach);
  // The parent, reopening, continues after every child's reservations.
  OpenStores();
  PB_ASSERT_OK_AND_ASSIGN(int64_t next, publishes_->ReserveVersion({context, "cache", "Alembic Cache"}));
  EXPECT_EQ(next, kProcesses * kEach + 1);
}

TEST_F(PublishTest, ReserveVersionChecksItsKey) {
  EXPECT_EQ(publishes_->ReserveVersion({ShotContext(), "", "Maya Scene"}).status().message(),
            "name: a publish needs a name (its version-less grouping)");
  absl::Status status = publishes_->ReserveVersion({{{"entity", Link("Shot", 9999)}}, "n", "t"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "context.entity: Shot 9999 does not exist");
  EXPECT_EQ(CountRows("pb_publish_versions"), 0);
}

}  // namespace
}  // namespace pipebridge::core::publishes::testing
