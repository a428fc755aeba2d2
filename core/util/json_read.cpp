#include "util/json_read.h"

#include "util/errors.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace tw {

using json = nlohmann::json;

namespace {

/// nlohmann's DOM builder with a depth count and the first error kept
/// (position and kind) instead of thrown.
class LimitedDomParser : public nlohmann::detail::json_sax_dom_parser<json> {
public:
    using Base = nlohmann::detail::json_sax_dom_parser<json>;
    explicit LimitedDomParser(json& result) : Base(result, false) {}

    bool start_object(std::size_t n)
    {
        if (++_depth > kMaxJsonDepth) return tooDeep();
        return Base::start_object(n);
    }
    bool end_object()
    {
        --_depth;
        return Base::end_object();
    }
    bool start_array(std::size_t n)
    {
        if (++_depth > kMaxJsonDepth) return tooDeep();
        return Base::start_array(n);
    }
    bool end_array()
    {
        --_depth;
        return Base::end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string& lastToken, const Exception& ex)
    {
        if (!_error) {
            _position = position;
            _token = lastToken;
            _outOfRange = ex.id == 406;
            _what = ex.what();
            _error = true;
        }
        return false;
    }

    bool failed() const { return _error || _deep; }
    bool deep() const { return _deep; }
    bool outOfRange() const { return _outOfRange; }
    size_t position() const { return _position; }
    const std::string& token() const { return _token; }
    const std::string& what() const { return _what; }

private:
    bool tooDeep()
    {
        _deep = true;
        return false;
    }
    int _depth = 0;
    bool _error = false, _deep = false, _outOfRange = false;
    size_t _position = 0;
    std::string _token, _what;
};

/// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax
/// error while parsing value - invalid literal; last read: 'x'" -> the part
/// after the position.
std::string reasonOf(const std::string& what)
{
    std::string r = what;
    if (r.compare(0, 1, "[") == 0)
        if (auto pos = r.find("] "); pos != std::string::npos) r = r.substr(pos + 2);
    if (r.compare(0, 11, "parse error") == 0)
        if (auto pos = r.find(": "); pos != std::string::npos) r = r.substr(pos + 2);
    return r;
}

/// The offset where the text reaches depth kMaxJsonDepth + 1 (outside strings).
size_t deepOffset(std::string_view text)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return text.size();
}

} // namespace

std::pair<long, long> lineColumnAt(std::string_view text, size_t offset)
{
    const size_t end = std::min(text.size(), offset);
    long line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < end; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return {line, long(end - lineStart) + 1};
}

json parseJson(std::string_view text, const std::string& source, long firstLine)
{
    json result;
    LimitedDomParser sax(result);
    const bool ok = json::sax_parse(text.begin(), text.end(), &sax);
    if (ok && !sax.failed()) return result;
    const auto where = [&](size_t offset) {
        const auto [line, column] = lineColumnAt(text, offset);
        return source + ":" + std::to_string(line + firstLine - 1) + ":" + std::to_string(column) + ": ";
    };
    if (sax.deep())
        throw ParseError(where(deepOffset(text)) + "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels");
    // nlohmann's position counts the characters read, the failing one included.
    const size_t at = sax.position() > 0 ? sax.position() - 1 : 0;
    if (sax.outOfRange())
        throw ParseError(where(at >= sax.token().size() ? at + 1 - sax.token().size() : 0) + "the number " +
                         sax.token() + " is outside the range of a double");
    throw ParseError(where(at) + "invalid JSON: " + reasonOf(sax.what()));
}

json readJsonFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open " + path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw IoError("cannot read " + path + ": " + std::strerror(errno));
    return parseJson(buf.str(), path);
}

} // namespace tw
