#include "valinta/input/csv_table.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <utility>

#include "valinta/util/utf8.hpp"

namespace valinta {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Splits one line (without its line break, starting at byte `at` of the file) into cells as
// RFC 4180 does: a cell in double quotes may hold commas, and a quote written twice inside it
// stands for one quote; a quote inside an unquoted cell is kept as written. A quoted cell must
// close on its own line and be followed by a comma or the end of the line; otherwise the problem
// is returned (with its column) and `cells` is incomplete.
std::optional<std::pair<int, std::string>> split_csv_line(std::string_view line, std::size_t at,
                                                          std::vector<CsvCell>& cells) {
  cells.clear();
  std::size_t pos = 0;
  while (true) {
    CsvCell cell;
    cell.column = static_cast<int>(pos) + 1;
    const std::size_t begin = pos;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      while (true) {
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos)
          return std::pair{cell.column,
                           std::string("the quote that opens this cell is not closed on this line (a quoted "
                                       "cell ends with \" before the next comma; cells cannot span lines)")};
        cell.text.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {
          cell.text += '"';
          ++pos;
          continue;
        }
        break;
      }
      if (pos < line.size() && line[pos] != ',')
        return std::pair{
            static_cast<int>(pos) + 1,
            std::string("text after the closing quote of a quoted cell (a comma or the end of the line "
                        "must follow it; a quote inside a quoted cell is written twice: \"\")")};
    } else {
      pos = std::min(line.find(',', pos), line.size());
      cell.text.assign(line.substr(begin, pos - begin));
    }
    cell.offset = at + begin;
    cell.length = pos - begin;
    cells.push_back(std::move(cell));
    if (pos >= line.size()) return std::nullopt;
    ++pos;  // the comma
  }
}

}  // namespace

std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  std::size_t i = 0;
  while (i < text.size() && i < kShown) {
    const std::size_t bad = first_bad_utf8(text.substr(i, 4));
    const auto c = static_cast<unsigned char>(text[i]);
    if (bad == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else {
      const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out + (i < text.size() ? "'..." : "'");
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t k = 0; k < header.size(); ++k)
    if (header[k] == name) return k;
  return std::nullopt;
}

void CsvTable::error(Diagnostics& diagnostics, int line, int column, const std::string& message) {
  if (stopped) return;
  if (errors == kMaxCsvErrors) {
    diagnostics.error(file, line, column, "",
                      fmt::format("stopped reading this file after {} errors", errors));
    stopped = true;
    return;
  }
  ++errors;
  diagnostics.error(file, line, column, "", message);
}

bool csv_number(CsvTable& table, Diagnostics& diagnostics, int line, const CsvCell& cell, double lo,
                double hi, double& out, double allowed) {
  const char* end = cell.text.data() + cell.text.size();
  auto r = std::from_chars(cell.text.data(), end, out);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(out) || out < lo || out > hi) {
    table.error(diagnostics, line, cell.column,
                fmt::format("{} must be a number between {} and {}", shown(cell.text), lo, allowed));
    return false;
  }
  return true;
}

std::optional<std::string> read_data_file(const std::filesystem::path& path, const std::string& key,
                                          const std::string& what, Diagnostics& diagnostics) {
  const std::string file = path.string();
  // Reading /dev/zero or a huge file would exhaust memory.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    diagnostics.error(file, 0, 0, key, "the " + what + " is not a regular file");
    return std::nullopt;
  }
  const auto too_big = [&](std::string_view size) {
    diagnostics.error(file, 0, 0, key,
                      fmt::format("the {} is {} MiB; a data file may be at most {} MiB", what, size,
                                  kMaxCsvFileBytes >> 20));
  };
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > kMaxCsvFileBytes) {
    too_big(fmt::format("{:.0f}", static_cast<double>(size) / (1 << 20)));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(file, 0, 0, key, "cannot open the " + what);
    return std::nullopt;
  }
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxCsvFileBytes) {  // grew while being read
      too_big(fmt::format("more than {}", kMaxCsvFileBytes >> 20));
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diagnostics.error(file, 0, 0, key, "cannot read the " + what);
    return std::nullopt;
  }
  return text;
}

CsvTable parse_csv(std::string text, const std::string& file, const std::string& header_rule,
                   Diagnostics& diagnostics) {
  CsvTable table;
  table.file = file;
  table.text = std::move(text);
  const std::string_view all = table.text;
  std::size_t start = all.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  int line_no = 0;
  bool header_seen = false;
  std::vector<CsvCell> cells;
  while (start < all.size() && !table.stopped) {
    const std::size_t newline = std::min(all.find('\n', start), all.size());
    std::string_view line = all.substr(start, newline - start);
    const std::size_t at = start;
    start = newline + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == '#') continue;  // comments (e.g. the source of the data)
    if (!header_seen) {
      header_seen = true;
      table.header_line = line_no;
      if (line.substr(0, 2) == "\xFF\xFE" || line.substr(0, 2) == "\xFE\xFF") {
        table.error(diagnostics, line_no, 1,
                    "the file is UTF-16 text; save it as UTF-8 (" + header_rule + ")");
        table.stopped = true;
        break;
      }
      // The header's cells may be quoted like any others.
      if (const auto problem = split_csv_line(line, at, cells)) {
        table.error(diagnostics, line_no, problem->first, problem->second);
        table.stopped = true;
        break;
      }
      for (const CsvCell& cell : cells) table.header.push_back(cell.text);
      continue;
    }
    if (line.empty()) continue;
    if (const auto problem = split_csv_line(line, at, cells)) {
      table.error(diagnostics, line_no, problem->first, problem->second);
      continue;
    }
    if (cells.size() != table.header.size()) {
      table.error(diagnostics, line_no, 1,
                  fmt::format("expected {} fields (as many as the header names), found {}",
                              table.header.size(), cells.size()));
      continue;
    }
    table.rows.push_back({line_no, std::move(cells)});
    cells = {};
  }
  return table;
}

}  // namespace valinta
