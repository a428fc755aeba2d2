#include "util/printable.h"

#include <cstdio>

namespace tw {

namespace {

std::string hexByte(unsigned char c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c));
    return buf;
}

/// Length of the valid UTF-8 sequence starting at text[i] (2..4), or 0.
size_t utf8Length(std::string_view text, size_t i)
{
    const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = b(i);
    size_t n = 0;
    unsigned min = 0, cp = 0;
    if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (i + n > text.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

} // namespace

std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += char(c);
            ++i;
            continue;
        }
        switch (c) {
        case '\n': out += "\\n"; ++i; continue;
        case '\r': out += "\\r"; ++i; continue;
        case '\t': out += "\\t"; ++i; continue;
        case 0x1b: out += "\\e"; ++i; continue;
        default: break;
        }
        if (c < 0x80) { // the other C0 controls and DEL
            out += hexByte(c);
            ++i;
            continue;
        }
        const size_t n = utf8Length(text, i);
        if (n == 0) {
            out += hexByte(c);
            ++i;
        } else if (n == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
            char buf[8]; // a C1 control, U+0080..U+009F (0x9b is CSI)
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(text[i + 1])));
            out += buf;
            i += 2;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string safeFileName(std::string_view name, size_t maxLength)
{
    std::string out;
    for (const char ch : name) {
        if (out.size() >= maxLength) break;
        const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          ch == '-' || ch == '_' || (ch == '.' && !out.empty());
        out += keep ? ch : '_';
    }
    return out.empty() ? "_" : out;
}

} // namespace tw
