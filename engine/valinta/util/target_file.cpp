#include "valinta/util/target_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace valinta {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) {
  std::string out(1, '\'');
  out += p.string();
  out += '\'';
  return out;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

fs::path directory_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// Moves `from` to `to` only if nothing is at `to`: true if moved, false if `to` exists. Uses
// renameat2(RENAME_NOREPLACE), or a hard link where the file system lacks it.
bool move_no_replace(const fs::path& from, const fs::path& to) {
#if defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::runtime_error("cannot rename " + quoted(from) + " to " + quoted(to) + ": " +
                             std::strerror(errno));
#endif
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return true;
  }
  if (errno == EEXIST) return false;
  throw std::runtime_error("cannot move " + quoted(from) + " to " + quoted(to) + ": " + std::strerror(errno));
}

// Moves `from` onto `to` if `to` is still `expected`: true if moved, false (both left as they
// were) if another program replaced or changed `to` meanwhile. The two are exchanged atomically
// (renameat2 RENAME_EXCHANGE), the file taken out is checked and then removed, or exchanged back;
// where the file system cannot exchange, `to` was checked just before and is replaced by rename.
bool replace_if_unchanged(const fs::path& from, const fs::path& to, const FileIdentity& expected) {
#if defined(RENAME_EXCHANGE)
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
    if (identity_of(from) == expected) {
      ::unlink(from.c_str());
      return true;
    }
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) != 0)
      throw std::runtime_error("another program changed " + quoted(to) +
                               " meanwhile, and it could not be put back " + "from " + quoted(from) + ": " +
                               std::strerror(errno));
    return false;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::runtime_error("cannot rename " + quoted(from) + " to " + quoted(to) + ": " +
                             std::strerror(errno));
#endif
  (void)expected;
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw std::runtime_error("cannot rename " + quoted(from) + " to " + quoted(to) + ": " +
                             std::strerror(errno));
  return true;
}

// The start time of process `pid` (the status time of its /proc entry), or -1 if it is not running.
std::int64_t process_start_ns(const std::string& pid) {
  struct stat st {};
  if (::stat(("/proc/" + pid).c_str(), &st) != 0) return -1;
  return static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
}

// Removes the temporary files of `name` left by processes that no longer run, and returns the
// first one a live process other than this one is writing ("" if none). A process id that was
// reused since (the process started after the file was last written) does not count as live.
fs::path sweep_temporaries(const fs::path& dir, const std::string& name) {
  const std::string prefix = "." + name + ".tmp-";
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  fs::path live;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(prefix, 0) != 0) continue;
    const std::string pid = file.substr(prefix.size());
    if (pid.empty() || pid.size() > 10 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (pid == self) continue;  // one of ours: removed by whoever made it
    const FileIdentity temp = identity_of(entry.path());
    const std::int64_t started = process_start_ns(pid);
    if (started >= 0 && temp.exists && started <= temp.mtime_ns) {
      if (live.empty()) live = entry.path();
      continue;
    }
    std::error_code ignored;
    fs::remove(entry.path(), ignored);
  }
  return live;
}

}  // namespace

FileIdentity identity_of(const fs::path& path) {
  struct stat st {};
  FileIdentity id;
  if (::lstat(path.c_str(), &st) != 0) return id;
  id.exists = true;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  id.size = static_cast<std::int64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec1), ec1);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec2), ec2);
  if (!ec1 && !ec2 && ca == cb) return true;
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

TargetFile::TargetFile(fs::path path, const TargetRules& rules) : path_(std::move(path)) {
  const std::string where = path_.string();
  if (path_.empty())
    throw TargetRefused(rules.option + ": an empty path; give the name of the " + rules.what + " to write");
  const std::string name = path_.filename().string();
  // A file name in the directory the user named, for messages.
  const std::string example = (path_ / (rules.what == "checkpoint" ? "out.ckpt" : "out.h5")).string();
  if (name.empty() || name == "." || name == "..")
    throw TargetRefused(where + ": is a directory, not a file name; give the name of the " + rules.what +
                        " to write, e.g. " + example);

  for (const fs::path& input : rules.inputs)
    if (!input.empty() && same_file(path_, input))
      throw TargetRefused(where + ": is one of this run's inputs (" + input.string() + "); write the " +
                          rules.what + " to another file");

  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      throw TargetRefused(where + ": is a directory; give the name of a file in it, e.g. " + example);
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
      throw TargetRefused(where + ": is " + kind_of(st.st_mode) + "; a " + rules.what +
                          " is only ever written as a regular file: give a file name");
    if (rules.replaceable && S_ISREG(st.st_mode) && !rules.replaceable(path_))
      throw TargetRefused(where + ": " + rules.refusal);
    if (!rules.overwrite) throw TargetRefused(path_.string() + ": exists; pass --overwrite to replace it");
  } else if (errno != ENOENT) {
    throw TargetRefused(where + ": cannot be examined: " + std::strerror(errno));
  }

  const fs::path dir = directory_of(path_);
  int err = 0;
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0)
    err = errno;
  else if (!S_ISDIR(dst.st_mode))
    err = ENOTDIR;
  else if (::access(dir.c_str(), W_OK | X_OK) != 0)
    err = errno;
  if (err == ENOENT)
    throw TargetRefused(where + ": the directory " + quoted(dir) + " does not exist; create it first");
  if (err != 0)
    throw TargetRefused(where + ": cannot write in directory " + quoted(dir) + ": " + std::strerror(err));

  if (const fs::path busy = sweep_temporaries(dir, name); !busy.empty())
    throw TargetRefused(where + ": another process is writing it now (its temporary file " + busy.string() +
                        "); wait for it to finish, or choose another file");
  temporary_ = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
  if (!path_.has_parent_path()) temporary_ = temporary_.filename();
  expected_ = identity_of(path_);
}

void TargetFile::install() {
  const std::string changed = path_.string() +
                              ": was created or changed by another program while this process " +
                              "was writing it; it was not replaced";
  if (identity_of(path_) != expected_) throw TargetChanged(changed);
  if (!expected_.exists) {
    if (!move_no_replace(temporary_, path_)) throw TargetChanged(changed);
  } else if (!replace_if_unchanged(temporary_, path_, expected_)) {
    throw TargetChanged(changed);
  }
  expected_ = identity_of(path_);

  // Make the rename itself durable. The file is already in place, so a failure is only reported.
  const fs::path dir = directory_of(path_);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const int err = dfd < 0 ? errno : (::fsync(dfd) != 0 ? errno : 0);
  if (dfd >= 0) ::close(dfd);
  if (err != 0)
    throw std::runtime_error(path_.string() + ": written, but cannot sync directory " + quoted(dir) + ": " +
                             std::strerror(err));
}

fs::path keep_beside(const fs::path& from, const fs::path& path) {
  const fs::path dir = path.parent_path();
  for (int k = 2;; ++k) {
    const fs::path candidate =
        dir / (path.stem().string() + "-" + std::to_string(k) + path.extension().string());
    if (move_no_replace(from, candidate)) return candidate;
  }
}

}  // namespace valinta
