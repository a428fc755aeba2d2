#pragma once
// Text from files (parameter names, event names, CSV cells, objective
// output) ends up in messages. Written raw it can drive the terminal (ESC
// [2J clears the screen), split a one-line error over several lines, or
// carry bytes no terminal should interpret; and a name joined into a path
// can leave the folder it was meant for ("../../x").
#include <string>
#include <string_view>

namespace tw {

/// `text` with every control character escaped: \n \r \t \e as such, the
/// other C0 characters, DEL and the C1 controls (U+0080..U+009F) as \xNN or
/// \u00NN, and bytes that are not valid UTF-8 as \xNN. A backslash stays a
/// backslash (the result is for reading, not for parsing back). Printable
/// text, UTF-8 included, passes unchanged.
std::string printable(std::string_view text);

/// A file name made from data (a parameter or study name): ASCII letters,
/// digits, '.', '-' and '_' kept, every other character (path separators,
/// spaces, controls, non-ASCII) as '_'; no leading '.', at most `maxLength`
/// characters; "_" when nothing is left. Never a path: joined to a folder it
/// names a file inside that folder.
std::string safeFileName(std::string_view name, size_t maxLength = 120);

} // namespace tw
