// CSV text -> tw::data::parseCsv (types inferred, missing values, quoting).
#include "data/csv.h"
#include "util/errors.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)tw::data::parseCsv(text, "fuzz.csv");
    } catch (const std::invalid_argument&) {
    } catch (const tw::ParseError&) {
    }
    return 0;
}
