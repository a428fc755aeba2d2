#pragma once
// Studies on PostgreSQL (libpq), behind plain types: only core/pg/*.cpp
// include <libpq-fe.h>. `--storage postgresql://USER@HOST:PORT/DB --study
// NAME` reaches it through study::connectBackend once registerBackend() ran.
//
// Schema (created and migrated by the program; tw_schema holds its version):
//   tw_studies(study_id, name UNIQUE, created_at, updated_at, events)
//   tw_events(study_id, seq, body)  -- the journal's lines as rows, seq = 1, 2, ...
// A study's events are exactly the lines a journal file would hold (the same
// text), so one replay path (Study::apply) builds its state from either, and
// `tw copy` moves a study between them unchanged. Appending takes the study
// row's lock (SELECT ... FOR UPDATE) for the length of one short
// transaction; readers take no lock (one statement, one MVCC snapshot) and
// fetch only the events after the last they saw.

#include <string>

namespace tw::pg {

/// The schema version this build reads and writes.
constexpr int kSchemaVersion = 1;

/// Makes study::connectBackend reach PostgreSQL for "postgresql://" and
/// "postgres://" URLs (libpq's connection URIs: host, port, database, user,
/// and query parameters such as host=/path/to/socket/dir). Idempotent.
void registerBackend();

/// Where `url` reaches its server when only this machine can reach it that
/// way: "a Unix socket (/run/postgresql)", "localhost", "127.0.0.1", ...
/// (no host at all means libpq's default socket, unless PGHOST names one);
/// "" for a server other machines may reach too, or a URL libpq does not
/// parse. For warnings, such as for workers started on other machines.
std::string localOnlyServer(const std::string& url);

} // namespace tw::pg
