#pragma once
// Recovering a damaged study file: a copy with every event the replay
// accepts, and the list of what was left out. The damaged file is only read.
#include "study/study.h"

#include <string>
#include <vector>

namespace tw::study {

struct RepairReport {
    struct Dropped {
        long line = 0;
        std::string reason; // "F:LINE[:COLUMN]: why", as opening says it
    };
    std::string study; // the damaged file
    std::string out;   // the new file
    long events = 0;   // non-blank lines read
    long kept = 0;     // events written to `out`
    std::vector<Dropped> dropped;
    std::vector<std::string> warnings; // accepted but noted (a trial told twice, ...)
};

/// `path` with ".repaired" before its extension: runs/s.jsonl -> runs/s.repaired.jsonl.
std::string repairedPath(const std::string& path);

/// Replays `path` line by line as opening does, but goes on past a line the
/// replay rejects (it is dropped and listed with its line and reason) and
/// writes every accepted line, byte for byte, to the NEW file `out` (created
/// with O_EXCL: an existing file, `path` itself included, is never
/// overwritten; IoError). A torn last line is dropped; a complete last event
/// without its newline is kept with one. Throws ParseError, writing nothing,
/// when no study_created event is intact (not a study file).
RepairReport repairJournal(const std::string& path, const std::string& out);

} // namespace tw::study
