#pragma once
// Shared by the libFuzzer targets: the input written to a private file (for
// the readers that take a path), and the rule every target checks: bad
// input is an exception with a message, never a crash, a hang or a leak.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace tw::fuzz {

/// A file of this process holding the input (rewritten for each input).
inline const std::string& writeInput(const uint8_t* data, size_t size, const char* suffix)
{
    static const std::string path = [suffix] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/tw-fuzz-" + std::to_string(::getpid()) + suffix;
    }();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

} // namespace tw::fuzz
