// Text and shape helpers for bench/svg_report.cc: printf-style formatting,
// XML-safe text (model strings may hold anything) and the few SVG elements the
// reports use. Header-only and internal to the reports.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace vkd::tools::svg {

inline std::string Fmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline std::string Fmt(const char* fmt, ...) {
  va_list args, copy;
  va_start(args, fmt);
  va_copy(copy, args);
  std::string s(std::max(std::vsnprintf(nullptr, 0, fmt, copy), 0), '\0');
  va_end(copy);
  std::vsnprintf(s.data(), s.size() + 1, fmt, args);
  va_end(args);
  return s;
}

// Names come from model files and may hold anything, but one bad byte makes the
// whole file unparsable: invalid UTF-8 becomes '?', control characters spaces.
inline std::string Sanitize(const std::string& s) {
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};  // overlong forms below these
  std::string out;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    const unsigned char c = s[i];
    len = c < 0x80 ? 1 : c < 0xC0 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (s[i + k] & 0xC0) == 0x80;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    ok = ok && cp >= kMin[len] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF) &&
         (cp | 1) != 0xFFFF;  // XML 1.0 forbids surrogates, U+FFFE and U+FFFF
    if (!ok) len = 1;
    out += !ok ? std::string("?") : cp < 0x20 && cp != '\n' ? std::string(" ") : s.substr(i, len);
  }
  return out;
}

inline std::string Escape(const std::string& s) {
  static const char kSpecial[] = "&<>\"";
  static const char* const kEntity[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
  std::string out;
  for (char c : s) {
    const char* e = c ? std::strchr(kSpecial, c) : nullptr;
    out += e ? std::string(kEntity[e - kSpecial]) : std::string(1, c);
  }
  return out;
}

inline bool IsLead(char c) { return (c & 0xC0) != 0x80; }
inline int Chars(const std::string& s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), IsLead));
}

// Text for elements and attributes. Fit also cuts to `max_chars` characters,
// ending in an ellipsis (the full text goes into a <title>).
inline std::string Xml(const std::string& s) { return Escape(Sanitize(s)); }
inline std::string Fit(const std::string& s, int max_chars) {
  const std::string t = Sanitize(s);
  for (size_t i = 0, n = 0, cut = 0; i < t.size(); ++i) {
    if (!IsLead(t[i])) continue;
    if (static_cast<int>(n) == max_chars - 1) cut = i;
    if (static_cast<int>(++n) > max_chars) return Escape(t.substr(0, cut)) + "\xE2\x80\xA6";
  }
  return Escape(t);
}

inline std::string Header(int w, int h) {
  return Fmt(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\">\n"
      "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
      w, h, w, h, w, h);
}

inline std::string Text(double x, int y, int size, const std::string& escaped,
                        const char* attrs = "") {
  return Fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"%d\" fill=\"#1a1a1a\"%s>%s</text>\n", x, y,
             size, attrs, escaped.c_str());
}

inline std::string Rect(int x, int y, int w, int h, const std::string& attrs) {
  return Fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" %s/>\n", x, y, w, h,
             attrs.c_str());
}

// A diamond 8 px wide with its top at (x, y): the mark of a crossing tensor.
inline std::string Diamond(int x, int y, const char* color) {
  return Fmt("<path class=\"cross-marker\" d=\"M%d,%d L%d,%d L%d,%d L%d,%d Z\" fill=\"%s\"/>\n", x,
             y, x + 4, y + 4, x, y + 8, x - 4, y + 4, color);
}

// Partition p's colour at lightness `l`: golden-angle hue steps keep any two
// partitions, neighbours above all, far apart on the colour wheel.
inline std::string Hue(int p, double l) {
  const double h = std::fmod(200.0 + 137.508 * p, 360.0), s = 0.6;
  auto f = [&](double n) {
    const double k = std::fmod(n + h / 30.0, 12.0);
    const double v = l - s * std::min(l, 1 - l) * std::max(-1.0, std::min({k - 3, 9 - k, 1.0}));
    return static_cast<int>(std::lround(v * 255));
  };
  return Fmt("#%02x%02x%02x", f(0), f(8), f(4));
}

}  // namespace vkd::tools::svg
