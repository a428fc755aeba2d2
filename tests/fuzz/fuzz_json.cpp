// JSON text -> tw::parseJson -> a search space (its JSON form and Ax's).
#include "space/search_space.h"
#include "util/errors.h"
#include "util/json_read.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const nlohmann::json j = tw::parseJson(text, "fuzz.json");
        const tw::space::SearchSpace s = tw::space::SearchSpace::fromJson(j, "fuzz.json");
        // A space that loads writes back to JSON that loads to the same space.
        const auto again = tw::space::SearchSpace::fromJson(s.toJson(), "again");
        if (again.toJson() != s.toJson()) __builtin_trap();
    } catch (const std::invalid_argument&) {
    } catch (const tw::ParseError&) {
    }
    return 0;
}
