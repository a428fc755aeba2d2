// A study file -> the replay (Study::openFile) -> the trials it holds.
#include "fuzz_support.h"
#include "study/study.h"
#include "util/errors.h"

#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string& path = tw::fuzz::writeInput(data, size, ".jsonl");
    try {
        auto study = tw::study::Study::openFile(path);
        for (const auto& t : study->trials()) (void)t.duration();
        (void)study->bestTrial();
    } catch (const std::invalid_argument&) {
    } catch (const tw::ParseError&) {
    } catch (const tw::IoError&) {
    } catch (const std::out_of_range&) {
    }
    return 0;
}
