// An IDX file (raw) -> tw::data::readIdx with 1 and 3 dimensions.
#include "data/idx.h"
#include "fuzz_support.h"
#include "util/errors.h"

#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string& path = tw::fuzz::writeInput(data, size, ".idx");
    for (int dims : {1, 3}) {
        try {
            (void)tw::data::readIdx(path, dims);
        } catch (const std::invalid_argument&) {
        } catch (const tw::ParseError&) {
        } catch (const tw::IoError&) {
        }
    }
    return 0;
}
