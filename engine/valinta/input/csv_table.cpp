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

// Where reading is in the file's text: the byte, and the line and column it is at.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  int line = 1;
  std::size_t line_start = 0;  // byte offset of the current line's first byte

  bool at_end() const { return pos >= text.size(); }
  int column() const { return static_cast<int>(pos - line_start) + 1; }
  // Past the line break at pos.
  void next_line() {
    ++pos;
    ++line;
    line_start = pos;
  }
  // To the start of the line after the current one (or the end of the text).
  void skip_line() {
    pos = std::min(text.find('\n', pos), text.size());
    if (!at_end()) next_line();
  }
};

struct CsvProblem {
  int line = 0, column = 0;
  std::string message;
};

// Reads one record, from the start of a line, into cells as RFC 4180 writes them: cells are
// split by commas and the record ends at a line break (LF or CRLF) outside quotes or at the end
// of the text; a cell in double quotes may hold commas and line breaks, and a quote written twice
// inside it stands for one; a quote inside an unquoted cell is kept as written. A quoted cell must
// be followed by a comma or the end of the record. On a problem the cursor moves to the start of
// the line after the one where it was found, and `cells` is incomplete.
std::optional<CsvProblem> read_record(Cursor& c, std::vector<CsvCell>& cells) {
  cells.clear();
  const std::string_view text = c.text;
  while (true) {
    CsvCell cell;
    cell.line = c.line;
    cell.column = c.column();
    const std::size_t begin = c.pos;
    if (!c.at_end() && text[c.pos] == '"') {
      ++c.pos;
      while (true) {
        const std::size_t quote = text.find('"', c.pos);
        const std::size_t stop = std::min(quote, text.size());
        for (std::size_t k = c.pos; k < stop; ++k)  // line breaks inside the cell
          if (text[k] == '\n') {
            ++c.line;
            c.line_start = k + 1;
          }
        cell.text.append(text.substr(c.pos, stop - c.pos));
        if (quote == std::string_view::npos) {
          c.pos = text.size();
          return CsvProblem{cell.line, cell.column,
                            "the quote that opens this cell is not closed before the end of the file (a "
                            "quoted cell ends with \" before the next comma or line break; a quote inside "
                            "it is written twice: \"\")"};
        }
        c.pos = quote + 1;
        if (c.pos < text.size() && text[c.pos] == '"') {
          cell.text += '"';
          ++c.pos;
          continue;
        }
        break;
      }
      const bool record_ends = c.at_end() || text[c.pos] == '\n' ||
                               (text[c.pos] == '\r' && (c.pos + 1 == text.size() || text[c.pos + 1] == '\n'));
      if (!record_ends && text[c.pos] != ',') {
        CsvProblem problem{c.line, c.column(),
                           "text after the closing quote of a quoted cell (a comma or the end of the line "
                           "must follow it; a quote inside a quoted cell is written twice: \"\")"};
        if (cell.line != c.line)
          problem.message += fmt::format(
              "; the cell opened with a quote at line {}, column {} and held the line breaks up to here",
              cell.line, cell.column);
        c.skip_line();
        return problem;
      }
    } else {
      const std::size_t stop = std::min(text.find_first_of(",\n", c.pos), text.size());
      std::size_t end = stop;
      if ((stop == text.size() || text[stop] == '\n') && end > c.pos && text[end - 1] == '\r') --end;
      cell.text.assign(text.substr(c.pos, end - c.pos));
      c.pos = end;
    }
    cell.offset = begin;
    cell.length = c.pos - begin;
    cells.push_back(std::move(cell));
    if (c.at_end()) return std::nullopt;
    if (text[c.pos] == ',') {
      ++c.pos;
      continue;
    }
    if (text[c.pos] == '\r') ++c.pos;  // of CRLF, or the last byte of the text
    if (!c.at_end()) c.next_line();
    return std::nullopt;
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

bool csv_number(CsvTable& table, Diagnostics& diagnostics, const CsvCell& cell, double lo, double hi,
                double& out, double allowed) {
  const char* end = cell.text.data() + cell.text.size();
  auto r = std::from_chars(cell.text.data(), end, out);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(out) || out < lo || out > hi) {
    table.error(diagnostics, cell.line, cell.column,
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
  Cursor c{all};
  c.pos = c.line_start = all.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  bool header_seen = false;
  std::vector<CsvCell> cells;
  while (!c.at_end() && !table.stopped) {
    // At the start of a line: a comment, a blank line or a record (which may span lines).
    std::string_view line = all.substr(c.pos, std::min(all.find('\n', c.pos), all.size()) - c.pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == '#') {  // comments (e.g. the source of the data)
      c.skip_line();
      continue;
    }
    const int record_line = c.line;
    if (!header_seen) {
      header_seen = true;
      table.header_line = record_line;
      if (line.substr(0, 2) == "\xFF\xFE" || line.substr(0, 2) == "\xFE\xFF") {
        table.error(diagnostics, record_line, 1,
                    "the file is UTF-16 text; save it as UTF-8 (" + header_rule + ")");
        table.stopped = true;
        break;
      }
      // The header's cells may be quoted like any others.
      if (const auto problem = read_record(c, cells)) {
        table.error(diagnostics, problem->line, problem->column, problem->message);
        table.stopped = true;
        break;
      }
      for (const CsvCell& cell : cells) table.header.push_back(cell.text);
      continue;
    }
    if (line.empty()) {
      c.skip_line();
      continue;
    }
    if (const auto problem = read_record(c, cells)) {
      table.error(diagnostics, problem->line, problem->column, problem->message);
      continue;
    }
    if (cells.size() != table.header.size()) {
      table.error(diagnostics, record_line, 1,
                  fmt::format("expected {} fields (as many as the header names), found {}",
                              table.header.size(), cells.size()));
      continue;
    }
    table.rows.push_back({record_line, std::move(cells)});
    cells = {};
  }
  return table;
}

}  // namespace valinta
