#pragma once
// The data files a scenario names (zones, age structure, main activity and income): CSV text as
// RFC 4180 writes it, with a header row that names the columns. Every problem is reported at the
// file's line:column; a hostile file gets a bounded number of errors and a bounded read.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "valinta/scenario/diagnostics.hpp"

namespace valinta {

// One cell: its value (quotes removed) and where it was written.
struct CsvCell {
  std::string text;
  std::size_t offset = 0;  // byte offset of its first character in the file
  std::size_t length = 0;  // bytes as written, quotes included
  int line = 0;            // the line of its first character (a quoted cell may hold line breaks)
  int column = 0;          // 1-based byte column of its first character
};

struct CsvRow {
  int line = 0;                // where the row starts
  std::vector<CsvCell> cells;  // as many as the header has
};

struct CsvTable {
  std::string file;  // as messages name it
  std::string text;  // the file's bytes
  std::vector<std::string> header;
  int header_line = 0;  // 0: the file has no header (it is empty)
  std::vector<CsvRow> rows;
  std::size_t errors = 0;  // errors reported while reading
  bool stopped = false;    // too many errors: the rest was not read

  // A cell as written, quotes included.
  std::string_view raw(const CsvCell& cell) const {
    return std::string_view(text).substr(cell.offset, cell.length);
  }
  // The index of the column named `name`, if the header has it.
  std::optional<std::size_t> column(std::string_view name) const;
  // Reports an error at a line and column of this file, unless too many were reported already.
  void error(Diagnostics& diagnostics, int line, int column, const std::string& message);
};

// The most errors one data file reports before reading stops.
inline constexpr std::size_t kMaxCsvErrors = 100;
// Not a device or a file larger than any table of places (at most 65,000 zones are supported).
inline constexpr std::uintmax_t kMaxCsvFileBytes = 64u << 20;

// Reads a data file named by the scenario key `key` (e.g. "population.zones_file"): a regular file
// of at most kMaxCsvFileBytes. Returns nothing (with an error) when it cannot be read.
std::optional<std::string> read_data_file(const std::filesystem::path& path, const std::string& key,
                                          const std::string& what, Diagnostics& diagnostics);

// Splits `text` into a header and rows: UTF-8 with or without a byte-order mark (UTF-16 is named
// as such), LF or CRLF, lines starting with '#' are comments, blank lines are skipped, RFC 4180
// quoting (a quoted cell may hold commas and line breaks, a quote written twice inside it stands
// for one). A row with another number of cells than the header is reported and dropped. `header_rule` says in
// messages what the header must hold.
CsvTable parse_csv(std::string text, const std::string& file, const std::string& header_rule,
                   Diagnostics& diagnostics);

// `text` as shown in a message: quoted, at most 40 bytes, control characters and bytes that are
// not UTF-8 written as \xNN.
std::string shown(std::string_view text);

// A cell as a number from lo to hi (an error at the cell otherwise; `allowed` is the upper end
// that the message states).
bool csv_number(CsvTable& table, Diagnostics& diagnostics, const CsvCell& cell, double lo, double hi,
                double& out, double allowed);

}  // namespace valinta
