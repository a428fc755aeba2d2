// Delimited text files into a Table: RFC 4180 quoting, delimiter detection,
// missing-value tokens and column type detection.
#include "data/csv.h"

#include "data/text.h"
#include "util/errors.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tw::data {

namespace {

struct Record {
    std::vector<std::string> fields;
    int64_t line = 0;
};

std::string printable(char c)
{
    if (c == '\t') return "TAB";
    if (c == '\r') return "CR";
    if (static_cast<unsigned char>(c) < 0x20) return "\\x" + std::to_string(int(c));
    return std::string("'") + c + "'";
}

std::string_view trim(std::string_view s, char delimiter)
{
    auto blank = [&](char c) { return (c == ' ' || c == '\t') && c != delimiter; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

/// Reads one record at a time; tracks physical line numbers so that messages
/// name the line where a record starts even when quoted fields span lines.
class Parser {
public:
    Parser(std::string_view text, const std::string& source, char delimiter)
        : _text(text), _source(source), _delim(delimiter) {}

    bool next(Record& rec)
    {
        const size_t n = _text.size();
        // Skip blank lines.
        while (_pos < n && (_text[_pos] == '\n' || _text[_pos] == '\r')) {
            if (_text[_pos] == '\r' && _pos + 1 < n && _text[_pos + 1] == '\n') ++_pos;
            ++_pos;
            ++_line;
        }
        if (_pos >= n) return false;
        rec.fields.clear();
        rec.line = _line;
        for (;;) {
            std::string field;
            size_t start = _pos;
            while (_pos < n && (_text[_pos] == ' ' || _text[_pos] == '\t') && _text[_pos] != _delim) ++_pos;
            if (_pos < n && _text[_pos] == '"') {
                readQuoted(field, rec);
            } else {
                _pos = start;
                while (_pos < n && _text[_pos] != _delim && _text[_pos] != '\n' && _text[_pos] != '\r') ++_pos;
                field = std::string(trim(_text.substr(start, _pos - start), _delim));
            }
            rec.fields.push_back(std::move(field));
            if (_pos < n && _text[_pos] == _delim) {
                ++_pos;
                continue;
            }
            // End of line or of the text.
            if (_pos < n) {
                if (_text[_pos] == '\r' && _pos + 1 < n && _text[_pos + 1] == '\n') ++_pos;
                ++_pos;
                ++_line;
            }
            return true;
        }
    }

private:
    void readQuoted(std::string& field, const Record& rec)
    {
        const size_t n = _text.size();
        const int64_t openLine = _line;
        ++_pos; // opening quote
        for (;;) {
            if (_pos >= n)
                throw ParseError(_source + ":" + std::to_string(openLine) + ": field " + std::to_string(rec.fields.size() + 1) +
                                 ": quoted field not closed before the end of the file");
            const char c = _text[_pos];
            if (c == '"') {
                if (_pos + 1 < n && _text[_pos + 1] == '"') {
                    field += '"';
                    _pos += 2;
                    continue;
                }
                ++_pos;
                break;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && _pos + 1 < n && _text[_pos + 1] == '\n') ++_pos;
                field += '\n';
                ++_line;
                ++_pos;
                continue;
            }
            field += c;
            ++_pos;
        }
        while (_pos < n && (_text[_pos] == ' ' || _text[_pos] == '\t') && _text[_pos] != _delim) ++_pos;
        if (_pos < n && _text[_pos] != _delim && _text[_pos] != '\n' && _text[_pos] != '\r')
            throw ParseError(_source + ":" + std::to_string(_line) + ": field " + std::to_string(rec.fields.size() + 1) +
                             ": unexpected character " + printable(_text[_pos]) +
                             " after a closing quote (a quote inside a quoted field is written twice: \"\")");
    }

    std::string_view _text;
    const std::string& _source;
    char _delim;
    size_t _pos = 0;
    int64_t _line = 1;
};

/// The candidate whose field count is the same (and above 1) over the first
/// records, the most fields winning; ',' when nothing splits the header.
char detectDelimiter(std::string_view text, const std::string& source)
{
    const char candidates[] = {',', ';', '\t'};
    char best = 0, widest = ',';
    size_t bestCount = 1, widestCount = 1;
    for (char d : candidates) {
        Parser p(text, source, d);
        Record rec;
        size_t count = 0;
        bool consistent = true;
        try {
            for (int i = 0; i < 20 && p.next(rec); ++i) {
                if (i == 0) count = rec.fields.size();
                else if (rec.fields.size() != count) consistent = false;
            }
        } catch (const ParseError&) {
            consistent = false;
        }
        if (consistent && count > bestCount) best = d, bestCount = count;
        if (count > widestCount) widest = d, widestCount = count;
    }
    return best ? best : widest;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::string toString(ColumnType t)
{
    switch (t) {
    case ColumnType::Numeric: return "numeric";
    case ColumnType::Categorical: return "categorical";
    case ColumnType::Text: return "text";
    }
    return "categorical";
}

ColumnType columnTypeFromString(const std::string& s)
{
    if (s == "numeric") return ColumnType::Numeric;
    if (s == "categorical") return ColumnType::Categorical;
    if (s == "text") return ColumnType::Text;
    throw std::invalid_argument("column type '" + s + "' is not one of numeric, categorical, text");
}

int64_t Column::missingCount() const
{
    return std::count(missing.begin(), missing.end(), uint8_t(1));
}

int Table::columnIndex(const std::string& name) const
{
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return int(i);
    return -1;
}

const Column& Table::column(const std::string& name) const
{
    const int i = columnIndex(name);
    if (i < 0) throw std::invalid_argument(source + ": no column '" + name + "' (columns: " + columnList() + ")");
    return columns[size_t(i)];
}

std::string Table::columnList() const
{
    std::string out;
    for (const Column& c : columns) out += (out.empty() ? "" : ", ") + c.name;
    return out;
}

std::string Table::where(int64_t row) const
{
    if (row < 0 || row >= rows()) return source;
    return source + ":" + std::to_string(lines[size_t(row)]);
}

bool isMissingToken(std::string_view cell)
{
    cell = trim(cell, 0);
    if (cell.empty() || cell == "?") return true;
    if (cell.size() > 4) return false;
    const std::string l = lower(cell);
    return l == "na" || l == "nan" || l == "n/a" || l == "null";
}

bool parseNumber(std::string_view cell, double& value)
{
    cell = trim(cell, 0);
    if (!cell.empty() && cell.front() == '+') {
        cell.remove_prefix(1);
        if (!cell.empty() && cell.front() == '-') return false;
    }
    if (cell.empty()) return false;
    const char* end = cell.data() + cell.size();
    auto [ptr, ec] = std::from_chars(cell.data(), end, value);
    return ec == std::errc() && ptr == end && std::isfinite(value);
}

std::string formatNumber(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == std::trunc(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    // Shortest text that reads back as v; unlike printf, independent of the locale.
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::vector<double> numericValues(const Table& table, int column, const std::string& why)
{
    const Column& c = table.columns.at(size_t(column));
    if (c.type == ColumnType::Numeric && c.numbers.size() == c.text.size()) return c.numbers;
    std::vector<double> out(c.text.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t r = 0; r < c.text.size(); ++r) {
        if (c.missing[r]) continue;
        if (!parseNumber(c.text[r], out[r]))
            throw ParseError(table.where(int64_t(r)) + ": column '" + c.name + "': '" + c.text[r] + "' is not a number (" +
                             why + ")");
    }
    return out;
}

void setColumnType(Table& table, int column, ColumnType type, const std::string& why)
{
    Column& c = table.columns.at(size_t(column));
    if (type == ColumnType::Numeric) {
        c.numbers = numericValues(table, column, why);
    } else {
        c.numbers.clear();
        c.numbers.shrink_to_fit();
    }
    c.type = type;
}

Table selectRows(const Table& table, const std::vector<int64_t>& rows)
{
    Table out;
    out.source = table.source;
    out.delimiter = table.delimiter;
    for (int64_t r : rows)
        if (r < 0 || r >= table.rows())
            throw std::invalid_argument(table.source + ": row index " + std::to_string(r) + " out of range (" +
                                        std::to_string(table.rows()) + " rows)");
    for (int64_t r : rows) out.lines.push_back(table.lines[size_t(r)]);
    for (const Column& c : table.columns) {
        Column n;
        n.name = c.name;
        n.type = c.type;
        n.text.reserve(rows.size());
        n.missing.reserve(rows.size());
        for (int64_t r : rows) {
            n.text.push_back(c.text[size_t(r)]);
            n.missing.push_back(c.missing[size_t(r)]);
            if (!c.numbers.empty()) n.numbers.push_back(c.numbers[size_t(r)]);
        }
        out.columns.push_back(std::move(n));
    }
    return out;
}

Table parseCsv(std::string_view text, const std::string& source, const CsvOptions& options)
{
    if (options.delimiter != 0 && options.delimiter != ',' && options.delimiter != ';' && options.delimiter != '\t')
        throw std::invalid_argument(source + ": delimiter " + printable(options.delimiter) + " is not one of ',', ';', TAB");
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    Table table;
    table.source = source;
    table.delimiter = options.delimiter ? options.delimiter : detectDelimiter(text, source);

    Parser parser(text, source, table.delimiter);
    Record rec;
    if (!parser.next(rec)) throw ParseError(source + ": empty file (a header row with the column names is required)");
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < rec.fields.size(); ++i) {
        Column col;
        col.name = rec.fields[i].empty() ? "Unnamed: " + std::to_string(i) : rec.fields[i];
        auto [it, fresh] = seen.emplace(col.name, i);
        if (!fresh)
            throw ParseError(source + ":" + std::to_string(rec.line) + ": duplicate column name '" + col.name + "' (columns " +
                             std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")");
        table.columns.push_back(std::move(col));
    }
    const size_t width = table.columns.size();

    while (parser.next(rec)) {
        if (rec.fields.size() != width)
            throw ParseError(source + ":" + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                             (rec.fields.size() == 1 ? " field" : " fields") + " but the header has " + std::to_string(width));
        for (size_t i = 0; i < width; ++i) {
            Column& col = table.columns[i];
            const bool miss = isMissingToken(rec.fields[i]);
            col.missing.push_back(miss ? 1 : 0);
            col.text.push_back(miss ? std::string() : std::move(rec.fields[i]));
        }
        table.lines.push_back(rec.line);
    }
    if (table.lines.empty())
        throw ParseError(source + ": no data rows after the header (columns: " + table.columnList() + ")");

    // Detect the types: numeric when every non-missing cell is a number, text
    // when the cells look like free text (looksLikeText), categorical otherwise.
    for (Column& col : table.columns) {
        std::vector<double> numbers(col.text.size(), std::numeric_limits<double>::quiet_NaN());
        bool numeric = true;
        for (size_t r = 0; r < col.text.size() && numeric; ++r)
            if (!col.missing[r]) numeric = parseNumber(col.text[r], numbers[r]);
        if (numeric) {
            col.type = ColumnType::Numeric;
            col.numbers = std::move(numbers);
        } else if (looksLikeText(col.text, col.missing)) {
            col.type = ColumnType::Text;
        }
    }

    for (const auto& [name, typeName] : options.columnTypes) {
        const int i = table.columnIndex(name);
        if (i < 0)
            throw std::invalid_argument(source + ": column type for '" + name + "': no such column (columns: " +
                                        table.columnList() + ")");
        ColumnType type;
        try {
            type = columnTypeFromString(typeName);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(source + ": column '" + name + "': " + e.what());
        }
        setColumnType(table, i, type);
    }
    return table;
}

Table readCsv(const std::string& path, const CsvOptions& options)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": is a directory, not a CSV file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw IoError(path + ": read error: " + std::strerror(errno));
    const std::string text = std::move(buffer).str();
    return parseCsv(text, path, options);
}

} // namespace tw::data
