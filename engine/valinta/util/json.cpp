#include "valinta/util/json.hpp"

#include <fmt/format.h>

#include <string_view>

#include "valinta/util/utf8.hpp"

namespace valinta {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // A well-formed UTF-8 sequence as it is; any other byte (a file name in another encoding)
      // as U+FFFD, so that the document stays valid JSON.
      const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      const std::string_view sequence = std::string_view(s).substr(i, length);
      if (length > 1 && sequence.size() == length && is_clean_utf8(sequence)) {
        out.append(sequence);
        i += length;
      } else {
        out += "\\ufffd";
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

}  // namespace valinta
