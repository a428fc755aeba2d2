# cmake -DIN=FILE -DOUT=FILE.cpp -DNAME=kName -P embed_text.cmake
# Writes OUT, a C++ file that defines `extern const char tw::cli::NAME[]`
# with the bytes of IN as a string: a text the executable carries, kept in
# the repository as a file of its own.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" bytes "${hex}")
# One line of C++ per line of text.
string(REPLACE "\\x0a" "\\x0a\"\n    \"" bytes "${bytes}")
get_filename_component(from "${IN}" NAME)
file(WRITE "${OUT}.tmp" "// Generated from ${from} by embed_text.cmake; do not edit.\nnamespace tw::cli {\nextern const char ${NAME}[];\nconst char ${NAME}[] =\n    \"${bytes}\";\n} // namespace tw::cli\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
