// util/target_file: what TargetFile checks before a run and how install() moves a finished file
// into place without replacing what someone else wrote meanwhile.
#include "valinta/util/target_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/test_support.hpp"

namespace valinta {
namespace {

namespace fs = std::filesystem;

void put(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
std::string get(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class TargetFileTest : public ::testing::Test {
 protected:
  fs::path dir = test::fresh_dir("target-file");
  void TearDown() override { fs::remove_all(dir); }
  TargetRules overwrite() const {
    TargetRules r;
    r.overwrite = true;
    return r;
  }
};

TEST_F(TargetFileTest, ANewTargetIsCreatedFromTheTemporaryFile) {
  TargetFile t(dir / "out.h5", TargetRules{});
  EXPECT_EQ(t.temporary().parent_path(), dir);
  put(t.temporary(), "results");
  t.install();
  EXPECT_EQ(get(dir / "out.h5"), "results");
  EXPECT_FALSE(fs::exists(t.temporary()));
  // Installed again (a checkpoint's next write): the file installed last is the one expected.
  put(t.temporary(), "later");
  t.install();
  EXPECT_EQ(get(dir / "out.h5"), "later");
}

TEST_F(TargetFileTest, AnUnchangedTargetIsReplaced) {
  put(dir / "out.h5", "old");
  TargetFile t(dir / "out.h5", overwrite());
  put(t.temporary(), "new");
  t.install();
  EXPECT_EQ(get(dir / "out.h5"), "new");
  EXPECT_FALSE(fs::exists(t.temporary()));
}

TEST_F(TargetFileTest, WhatOthersWroteMeanwhileIsKept) {
  // Created after the check.
  TargetFile created(dir / "a.h5", TargetRules{});
  put(created.temporary(), "ours");
  put(dir / "a.h5", "theirs");
  EXPECT_THROW(created.install(), TargetChanged);
  EXPECT_EQ(get(dir / "a.h5"), "theirs");
  EXPECT_EQ(get(created.temporary()), "ours");
  // Changed in place (the same file, other contents and time).
  put(dir / "b.h5", "old");
  TargetFile changed(dir / "b.h5", overwrite());
  put(changed.temporary(), "ours");
  std::ofstream(dir / "b.h5", std::ios::app) << " and more";
  EXPECT_THROW(changed.install(), TargetChanged);
  EXPECT_EQ(get(dir / "b.h5"), "old and more");
  // Replaced by another file.
  put(dir / "c.h5", "old");
  TargetFile replaced(dir / "c.h5", overwrite());
  put(replaced.temporary(), "ours");
  put(dir / "other", "theirs");
  fs::rename(dir / "other", dir / "c.h5");
  EXPECT_THROW(replaced.install(), TargetChanged);
  EXPECT_EQ(get(dir / "c.h5"), "theirs");
  // Removed: not what was checked either.
  put(dir / "d.h5", "old");
  TargetFile removed(dir / "d.h5", overwrite());
  put(removed.temporary(), "ours");
  fs::remove(dir / "d.h5");
  EXPECT_THROW(removed.install(), TargetChanged);
  EXPECT_FALSE(fs::exists(dir / "d.h5"));
}

TEST_F(TargetFileTest, KeptBesideUnderAFreeName) {
  put(dir / "r.h5", "theirs");
  put(dir / "r-2.h5", "also theirs");
  put(dir / "ours", "ours");
  EXPECT_EQ(keep_beside(dir / "ours", dir / "r.h5"), dir / "r-3.h5");
  EXPECT_EQ(get(dir / "r-3.h5"), "ours");
  EXPECT_EQ(get(dir / "r-2.h5"), "also theirs");
}

TEST_F(TargetFileTest, RefusalsSayWhatIsWrong) {
  put(dir / "in.yaml", "x");
  fs::create_directory(dir / "sub");
  fs::create_symlink("in.yaml", dir / "link.yaml");
  TargetRules with_input = overwrite();
  with_input.inputs = {dir / "in.yaml"};
  for (const fs::path& p : {dir / "in.yaml", dir / "sub" / ".." / "in.yaml", dir / "link.yaml"}) {
    SCOPED_TRACE(p.string());
    EXPECT_THROW(TargetFile(p, with_input), TargetRefused);
  }
  EXPECT_THROW(TargetFile(dir / "in.yaml", TargetRules{}), TargetRefused);  // exists, no overwrite
  EXPECT_THROW(TargetFile(dir / "sub", overwrite()), TargetRefused);        // a directory
  EXPECT_THROW(TargetFile("", overwrite()), TargetRefused);
  EXPECT_THROW(TargetFile(dir / "missing" / "x.h5", overwrite()), TargetRefused);
  TargetRules only_checkpoints = overwrite();
  only_checkpoints.replaceable = [](const fs::path&) { return false; };
  only_checkpoints.refusal = "is not a checkpoint";
  try {
    TargetFile(dir / "in.yaml", only_checkpoints);
    FAIL();
  } catch (const TargetRefused& e) {
    EXPECT_NE(std::string(e.what()).find("is not a checkpoint"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(same_file(dir / "sub" / ".." / "in.yaml", dir / "in.yaml"));
  EXPECT_TRUE(same_file(dir / "link.yaml", dir / "in.yaml"));
  EXPECT_FALSE(same_file(dir / "sub", dir / "in.yaml"));
  EXPECT_EQ(get(dir / "in.yaml"), "x");
}

}  // namespace
}  // namespace valinta
