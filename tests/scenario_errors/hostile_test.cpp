// Hostile input: files no one writes by hand but anyone can be sent. Each is generated at test time
// and must be refused with exit code 2 and a short message: no crash, no hang (the ctest timeout
// catches one; there are no timing assertions), no memory blow-up (the CLI runs under a 1 GB
// address-space limit where prlimit works), and no echo of a huge value into the terminal.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "support/test_support.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;

constexpr int kExitBadInput = 2;
constexpr std::size_t kMaxMessageBytes = 64 * 1024;  // a hostile file gets a short answer

std::string shell_quoted(const fs::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "prlimit --as=1000000000 " when the CLI runs under it (not, e.g., in an AddressSanitizer build,
// which reserves terabytes of address space), else "".
const std::string& memory_limit() {
  static const std::string prefix = [] {
    const std::string prlimit = "/usr/bin/prlimit --as=1000000000 ";
    if (!fs::exists("/usr/bin/prlimit")) return std::string();
    return run_shell(prlimit + VALINTA_CLI + " --version").exit_code == 0 ? prlimit : std::string();
  }();
  return prefix;
}

// `valinta validate FILE` under the memory limit.
CliResult validate(const fs::path& file) {
  return run_shell(memory_limit() + VALINTA_CLI + " validate " + shell_quoted(file));
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

// Refused as bad input with a short message that contains each of `words`.
void expect_refused(const fs::path& file, std::initializer_list<const char*> words) {
  const CliResult r = validate(file);
  EXPECT_EQ(r.exit_code, kExitBadInput) << file << " (memory limit: '" << memory_limit() << "')\n"
                                        << r.output.substr(0, 2000);
  EXPECT_LT(r.output.size(), kMaxMessageBytes) << "the message echoes the input";
  for (const char* word : words)
    EXPECT_NE(r.output.find(word), std::string::npos) << "'" << word << "' missing from:\n"
                                                      << r.output.substr(0, 2000);
}

const std::string kZones = "zones:\n  - {name: North, population: 4000, lat: 62.24, lon: 25.75}\n";

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_dir("hostile"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path file(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    write_file(path, bytes);
    return path;
  }
  fs::path dir_;
};

// Billion laughs: ten levels of ten aliases each stand for 10^10 values if expanded.
TEST_F(Hostile, AliasBombIsNotExpanded) {
  std::string lists = "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  std::string maps =
      "map0: &map0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol, j: lol}\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string l = std::to_string(level), p = std::to_string(level - 1);
    lists += "lol" + l + ": &lol" + l + " [";
    maps += "map" + l + ": &map" + l + " {";
    for (int k = 0; k < 10; ++k) {
      lists += (k ? ", *lol" : "*lol") + p;
      maps += std::string(k ? ", " : "") + "k" + std::to_string(k) + ": *map" + p;
    }
    lists += "]\n";
    maps += "}\n";
  }
  // As values of unknown keys, and where the loader reads them: a list of names and a group of settings.
  expect_refused(file("lists.yaml", lists + kZones), {"lol9: unknown key"});
  expect_refused(file("maps.yaml", maps + kZones), {"map9: unknown key"});
  expect_refused(file("used.yaml", lists + maps + kZones + "pilot: {zones: *lol9}\nrules: *map9\n"),
                 {"pilot.zones[9]: must be a name (got a list)", "rules.k0: unknown key"});
  // Merge keys (`<<: *map9`) are plain keys to yaml-cpp, and so unknown here.
  expect_refused(file("merge.yaml", maps + kZones + "service:\n  <<: *map9\n"), {"service.<<: unknown key"});
}

// 10,000 levels of nesting in each of YAML's ways to nest: the parser recurses once per level.
TEST_F(Hostile, TenThousandLevelsOfNestingAreRefused) {
  constexpr int kLevels = 10000;
  expect_refused(
      file("flow-lists.yaml", "rules: " + std::string(kLevels, '[') + std::string(kLevels, ']') + "\n"),
      {"nested deeper than"});
  std::string maps = "rules: ";
  for (int k = 0; k < kLevels; ++k) maps += "{a: ";
  expect_refused(file("flow-maps.yaml", maps + "1" + std::string(kLevels, '}') + "\n"),
                 {"nested deeper than"});
  std::string dashes;
  for (int k = 0; k < kLevels; ++k) dashes += "- ";
  expect_refused(file("dashes.yaml", dashes + "x\n"), {"nested deeper than"});
  std::string keys;
  for (int k = 0; k < kLevels; ++k) keys += "? ";
  expect_refused(file("complex-keys.yaml", keys + "x\n"), {"error"});
  // A stray quote inside a plain value does not hide brackets from the check (the parser's own
  // depth limit refuses them).
  expect_refused(file("stray-quote.yaml",
                      "name: a\"b\nrules: " + std::string(kLevels, '[') + std::string(kLevels, ']') + "\n"),
                 {"error"});
  // Block mappings indented one more space per level: 10,000 levels is 50 MB (refused for its size),
  // 2,000 levels is 2 MB (refused for its depth).
  const auto block = [](int levels) {
    std::string text;
    for (int k = 0; k < levels; ++k)
      text += std::string(static_cast<std::size_t>(k), ' ') + "k" + std::to_string(k) + ":\n";
    return text;
  };
  expect_refused(file("block-10000.yaml", block(kLevels)), {"a scenario may be at most 8 MiB"});
  expect_refused(file("block-2000.yaml", block(2000)), {"nested deeper than"});
}

// A 5 MB value is read, refused where it does not fit, and cut short in the message.
TEST_F(Hostile, FiveMegabyteScalarIsRefusedWithoutEchoingIt) {
  const std::string digits(5u << 20, '7');
  expect_refused(file("number.yaml", kZones + "service:\n  capacity_ratio: " + digits + "\n"),
                 {"service.capacity_ratio: is out of the range of numbers (got '777"});
  expect_refused(file("integer.yaml", kZones + "seed: " + digits + "\n"), {"seed: is too large"});
  // (YAML allows implicit keys of at most 1024 characters.)
  expect_refused(file("key.yaml", kZones + std::string(5u << 20, 'k') + ": 1\n"), {"invalid YAML"});
  expect_refused(file("quoted.yaml",
                      kZones + "name: \"" + std::string(5u << 20, 'n') + "\"\npilot: {zones: [Nowhere]}\n"),
                 {"unknown zone 'Nowhere'"});
}

// A 20 MB file is refused for its size before it is parsed; so is a 2 GB (sparse) file, without
// reading it into memory (it once ran out of memory and aborted), also as the parent of `extends:`.
TEST_F(Hostile, HugeFilesAreRefusedForTheirSize) {
  std::string comment_lines;
  const std::string line = "# " + std::string(97, 'y') + "\n";
  while (comment_lines.size() < (20u << 20)) comment_lines += line;
  expect_refused(file("twenty-megabytes.yaml", kZones + comment_lines), {"a scenario may be at most 8 MiB"});

  const fs::path sparse = dir_ / "two-gigabytes.yaml";
  write_file(sparse, "name: sparse\n");
  fs::resize_file(sparse, 2ull << 30);
  expect_refused(sparse, {"the file is 2048.0 MiB; a scenario may be at most 8 MiB"});
  expect_refused(file("child.yaml", "extends: two-gigabytes.yaml\n"), {"a scenario may be at most 8 MiB"});
}

// Random bytes: with control bytes (refused as not text), and without (high bytes and YAML's
// punctuation), which the parser must reject or the loader refuse.
TEST_F(Hostile, RandomBytesAreRefused) {
  std::mt19937 random(20170201);
  std::uniform_int_distribution<int> byte(0, 255), high(0x80, 0xff), punctuation(0, 31);
  const std::string yaml_chars = " \n-:[]{}?&*!|>'\"#%@`,.~abc0127";
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::string any, high_bytes, soup;
    for (int k = 0; k < 100000; ++k) {
      any += static_cast<char>(byte(random));
      high_bytes += static_cast<char>(high(random));
      soup += yaml_chars[static_cast<std::size_t>(punctuation(random)) % yaml_chars.size()];
    }
    expect_refused(file("any.yaml", any), {"error"});
    expect_refused(file("high.yaml", high_bytes), {"error"});
    expect_refused(file("soup.yaml", soup), {"error"});
  }
  expect_refused(file("nul.yaml", std::string("name: a\0b\n", 10) + kZones), {"not text"});
}

// Devices where files belong: an endless zones file or parent is refused, not read forever.
TEST_F(Hostile, DevicesAreNotReadAsFiles) {
  expect_refused(file("zones-device.yaml", "name: x\npopulation: {zones_file: /dev/zero}\n"),
                 {"not a regular file"});
  expect_refused(file("extends-device.yaml", "extends: /dev/zero\n" + kZones), {"not a regular file"});
  expect_refused(dir_, {"not a regular file"});
}

}  // namespace
}  // namespace valinta::test
