#pragma once
// A file a run creates or replaces (a results file, a checkpoint): what may be written where, and
// how it gets there without harming anything a user owns.
//
//  - Before anything runs, the target is checked: it must name a regular file in a writable
//    directory; an existing one is replaced only when the caller allows it (--overwrite); it may
//    not be any of the run's inputs, nor a device, FIFO, socket or directory; and no other live
//    process may be writing it. A refusal is a TargetRefused (bad input: exit code 2).
//  - The contents are written to a temporary file beside the target (".NAME.tmp-PID"), then moved
//    onto it by install(): atomically, and only if the target is still what was checked (absent,
//    or the same file unchanged: RENAME_NOREPLACE onto a new target, an atomic exchange undone if
//    the file taken out is not the one checked onto an existing one). Anything another program
//    created or changed there meanwhile is kept, and install() throws TargetChanged instead.
//  - Temporary files of processes that no longer exist (a run killed with SIGKILL) are removed.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace valinta {

// The target cannot be used: nothing has been written (bad input).
class TargetRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The target was created or changed by someone else while this process was writing its
// temporary file; the target was left alone.
class TargetChanged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a directory entry held when last seen (lstat: a symbolic link is the link itself).
struct FileIdentity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
FileIdentity identity_of(const std::filesystem::path& path);

struct TargetRules {
  std::string what = "results file";  // in messages: "results file", "checkpoint"
  std::string option = "-o";          // the option that named it, in messages
  bool overwrite = false;             // an existing file may be replaced
  // Files the run reads; the target may be none of them (compared by path and by inode).
  std::vector<std::filesystem::path> inputs;
  // An existing regular file may be replaced only if this accepts it (e.g. "is a checkpoint");
  // empty: any regular file. `refusal` is the reason printed when it does not.
  std::function<bool(const std::filesystem::path&)> replaceable;
  std::string refusal;
};

class TargetFile {
 public:
  TargetFile() = default;
  // Checks `path` against `rules`; throws TargetRefused with a message naming the path, what is
  // wrong and what is allowed. Removes the target's stale temporary files.
  TargetFile(std::filesystem::path path, const TargetRules& rules);

  const std::filesystem::path& path() const { return path_; }
  // ".NAME.tmp-PID" beside the target.
  const std::filesystem::path& temporary() const { return temporary_; }

  // Moves the (complete, synced) temporary file onto the target: with no file there if there was
  // none, or replacing the file checked (or last installed) if it is unchanged. Then syncs the
  // directory. On TargetChanged the temporary file is left in place for the caller.
  void install();

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  FileIdentity expected_;  // the target as checked, then as last installed
};

// The same file, by name or by inode: `a` and `b` resolve to one directory entry or one file.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// A free name beside `path` for keeping data that could not go there: "NAME-2.EXT", "NAME-3.EXT"...
// Moves `from` there (never replacing anything) and returns the name.
std::filesystem::path keep_beside(const std::filesystem::path& from, const std::filesystem::path& path);

}  // namespace valinta
