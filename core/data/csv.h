#pragma once
// Reading delimited text files (CSV, semicolon- or tab-separated) into a
// Table of named columns with missing flags and a detected type. Plain C++:
// no Qt, no LibTorch.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tw::data {

/// Text: free text (one document per cell), tokenized by the preprocessing;
/// detected by data::looksLikeText (core/data/text.h) when not numeric.
enum class ColumnType { Numeric, Categorical, Text };
std::string toString(ColumnType t);                  // "numeric", "categorical", "text"
ColumnType columnTypeFromString(const std::string& s); // throws invalid_argument

struct Column {
    std::string name;
    ColumnType type = ColumnType::Categorical;
    /// The cell text per row (unquoted; unquoted cells trimmed of spaces and
    /// tabs); "" for a missing cell.
    std::vector<std::string> text;
    /// Numeric columns: the value per row, NaN when missing. Empty for a
    /// categorical or text column.
    std::vector<double> numbers;
    /// 1 where the cell is missing (empty, NA, NaN, nan, ?, N/A, null).
    std::vector<uint8_t> missing;

    int64_t missingCount() const;
};

struct Table {
    std::string source;            // the file path (or a name given to parseCsv)
    char delimiter = ',';
    std::vector<Column> columns;   // in file order
    std::vector<int64_t> lines;    // 1-based line in the source where each row starts

    int64_t rows() const { return int64_t(lines.size()); }
    /// Index of the column with this name, or -1.
    int columnIndex(const std::string& name) const;
    /// The column with this name; throws invalid_argument naming the source
    /// and listing the columns when there is none.
    const Column& column(const std::string& name) const;
    /// "PassengerId, Survived, Age" (for messages).
    std::string columnList() const;
    /// "train.csv:17" for row `row` (0-based data row), or "train.csv" when out of range.
    std::string where(int64_t row) const;
};

struct CsvOptions {
    /// ',', ';' or '\t'; 0 detects it from the first lines.
    char delimiter = 0;
    /// Column name -> "numeric" | "categorical" | "text", overriding the detection.
    /// A name that is not a column is an error; forcing "numeric" on a cell
    /// that is not a number is an error naming the line and column.
    std::map<std::string, std::string> columnTypes;
};

/// Reads a file. Throws IoError when it cannot be read, ParseError when its
/// content breaks the rules (empty, header only, duplicate column names, a row
/// whose field count differs from the header's, an unterminated quote, a
/// forced numeric cell that is not a number), invalid_argument for bad options.
Table readCsv(const std::string& path, const CsvOptions& options = {});
/// The same from text in memory; `source` names it in messages.
Table parseCsv(std::string_view text, const std::string& source, const CsvOptions& options = {});

/// The numbers of a column (NaN where missing), parsed from its text when it
/// is categorical; a non-missing cell that is not a number is a ParseError
/// naming the line and column, and `why` ("column type forced to numeric").
std::vector<double> numericValues(const Table& table, int column, const std::string& why);
/// The rows at these indices (0-based data rows), in this order, with their
/// source lines; throws invalid_argument for an index out of range.
Table selectRows(const Table& table, const std::vector<int64_t>& rows);

/// Sets a column's type: numeric parses every non-missing cell (errors as
/// numericValues); categorical and text drop the numbers.
void setColumnType(Table& table, int column, ColumnType type, const std::string& why = "column type forced to numeric");

/// Empty, NA, NaN, nan, ?, N/A, null (case-insensitive, after trimming).
bool isMissingToken(std::string_view cell);
/// A finite number occupying the whole cell (after trimming), read with
/// std::from_chars (locale-independent); a leading '+' is accepted.
bool parseNumber(std::string_view cell, double& value);
/// Shortest text that reads back as the same double; integers without ".0".
std::string formatNumber(double v);

} // namespace tw::data
