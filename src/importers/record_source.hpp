// The records of a tabular import: rows of a CSV file or objects of a JSON file, read one at
// a time so that a file of any length is imported in bounded memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dossier::importers {

// One record, with where it starts in the file for error messages and reports.
struct SourceRecord {
    std::size_t number = 0;  // 1 for the first record (after a CSV header)
    std::size_t line = 0;    // the 1-based line of the file where the record starts
    // A CSV row: an object of column name to string, every column of the header present, in
    // header order (nlohmann::ordered_json keeps it). A JSON record: the record as read.
    nlohmann::ordered_json value;
    // Why the record cannot be imported when it was read but is malformed (a CSV row with more
    // fields than the header, a JSON record that is not an object); the import reports it as
    // rejected and goes on. Empty for a good record.
    std::string problem;
};

// The encoding and delimiter a CSV file was read with, for the report and for messages.
struct CsvDialect {
    std::string encoding;   // "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE" or "Windows-1252"
    char delimiter = ',';   // ',', ';', '\t' or '|'
    bool sep_line = false;  // the file began with Excel's "sep=X" line
};

class RecordSource {
public:
    virtual ~RecordSource() = default;

    // Reads the next record into `record` and returns true, or returns false at the end.
    // Throws Error(invalid_input) naming the file and line when the input cannot be read
    // further (an unterminated quoted field, invalid JSON): the whole import then stops.
    virtual bool next(SourceRecord& record) = 0;

    // The column names of a CSV header, in order; empty for JSON.
    virtual const std::vector<std::string>& columns() const = 0;

    // Starts again from the first record; the import reads its input twice, first to check
    // every record and then to write them.
    virtual void rewind() = 0;
};

struct CsvOptions {
    std::optional<std::string> encoding;  // "utf-8", "utf-16", "windows-1252" (also "cp1252", "latin1"); detected when absent
    std::optional<char> delimiter;        // detected when absent
};

// Opens a CSV file. Throws Error(not_found/invalid_input/usage) when it cannot be opened, is
// empty, has no header or an unknown encoding name was given.
std::unique_ptr<RecordSource> open_csv(const std::filesystem::path& path, const CsvOptions& options,
                                       CsvDialect* dialect = nullptr);

// Opens CSV text that is already in memory, such as a member of a ZIP file, and reads it as
// open_csv reads a file. `name` stands for the file in messages. The source keeps `bytes`
// for its rewinds, so the whole input is in memory, and wipes them when it is destroyed.
std::unique_ptr<RecordSource> open_csv_bytes(std::string name, std::string bytes, const CsvOptions& options,
                                             CsvDialect* dialect = nullptr);

struct JsonOptions {
    // A JSON pointer (RFC 6901) to the array of records inside a larger document, such as
    // "/data/items"; empty when the document is itself the array, or when it is JSON Lines.
    std::string records_pointer;
};

// Opens a JSON file: a top-level array of records, the array at `records_pointer`, or JSON
// Lines (one record per line, detected when the file does not start with '['). A top-level
// array is read element by element without holding the whole file.
std::unique_ptr<RecordSource> open_json(const std::filesystem::path& path, const JsonOptions& options);

// Returns `name` as column and field names are compared: case, accents, spaces, hyphens and
// underscores do not count ("Host Name", "host_name" and "HOSTNAME" all give "hostname").
std::string comparable_name(std::string_view name);

}  // namespace dossier::importers
