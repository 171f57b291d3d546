// Tests of the record readers of `import csv` and `import json`: encodings, delimiters,
// quoting, header names, line numbers, streaming over many blocks, JSON arrays, JSON pointers
// and JSON Lines, and the real IT Glue export samples.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/text.hpp"
#include "importers/record_source.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using namespace dossier;
using namespace dossier::importers;
using namespace std::string_literals;

namespace {

// Input files written to one temporary folder.
struct InputFiles {
    test::TemporaryFolder folder{"records"};

    fs::path write(const std::string& name, std::string_view bytes) const {
        auto path = folder.path() / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        REQUIRE(out.good());
        return path;
    }
};

std::vector<SourceRecord> read_all(RecordSource& source) {
    std::vector<SourceRecord> records;
    SourceRecord record;
    while (source.next(record)) records.push_back(record);
    return records;
}

std::vector<SourceRecord> read_csv(const fs::path& path, const CsvOptions& options = {},
                                   CsvDialect* dialect = nullptr) {
    auto source = open_csv(path, options, dialect);
    return read_all(*source);
}

std::vector<SourceRecord> read_json(const fs::path& path, const JsonOptions& options = {}) {
    auto source = open_json(path, options);
    return read_all(*source);
}

// Returns the string value of `column` in a CSV record.
std::string field(const SourceRecord& record, const std::string& column) {
    return record.value.at(column).get<std::string>();
}

// Runs `action` and returns the dossier::Error it throws, or nothing when it returns.
template <typename Action>
std::optional<Error> error_from(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    return std::nullopt;
}

int error_line(const Error& error) { return error.location() ? error.location()->line : 0; }

std::string message(const Error& error) { return error.what(); }

}  // namespace

// --- CSV encodings -------------------------------------------------------------------------

TEST_CASE("csv reads UTF-8 without BOM") {
    InputFiles files;
    auto path = files.write("plain.csv", "nom,ville\nÉlodie,Besançon\n");
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);

    CHECK(dialect.encoding == "UTF-8");
    CHECK(dialect.delimiter == ',');
    CHECK_FALSE(dialect.sep_line);
    REQUIRE(records.size() == 1);
    CHECK(records[0].number == 1);
    CHECK(records[0].line == 2);
    CHECK(field(records[0], "nom") == "Élodie");
    CHECK(field(records[0], "ville") == "Besançon");
    CHECK(records[0].problem.empty());
}

TEST_CASE("csv skips a UTF-8 BOM") {
    InputFiles files;
    auto path = files.write("bom.csv", "\xEF\xBB\xBFnom,ville\nÉlodie,Besançon\n");
    CsvDialect dialect;
    auto source = open_csv(path, {}, &dialect);

    CHECK(dialect.encoding == "UTF-8 with BOM");
    CHECK(source->columns() == std::vector<std::string>{"nom", "ville"});
    auto records = read_all(*source);
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "nom") == "Élodie");
}

TEST_CASE("csv decodes UTF-16LE with BOM") {
    InputFiles files;
    auto path = files.write("utf16le.csv", encode_text("nom;note\r\nœuvre;10 € l’été 😀\r\n", Bom::utf16le));
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);

    CHECK(dialect.encoding == "UTF-16LE");
    CHECK(dialect.delimiter == ';');
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "nom") == "œuvre");
    CHECK(field(records[0], "note") == "10 € l’été 😀");
}

TEST_CASE("csv decodes UTF-16BE with BOM") {
    InputFiles files;
    auto path = files.write("utf16be.csv", encode_text("nom\tnote\nœuvre\t10 €\n", Bom::utf16be));
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);

    CHECK(dialect.encoding == "UTF-16BE");
    CHECK(dialect.delimiter == '\t');
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "note") == "10 €");
}

TEST_CASE("csv decodes UTF-16 across many blocks") {
    std::string text = "id,note\n";
    for (int i = 1; i <= 20000; ++i) text += fmt::format("{},é{}😀\n", i, std::string(static_cast<std::size_t>(i % 7), 'x'));
    InputFiles files;
    auto path = files.write("big-utf16.csv", encode_text(text, Bom::utf16le));
    auto records = read_csv(path);

    REQUIRE(records.size() == 20000);
    CHECK(field(records.back(), "id") == "20000");
    CHECK(field(records.back(), "note") == "é" + std::string(20000 % 7, 'x') + "😀");
    CHECK(records.back().line == 20001);
}

TEST_CASE("csv decodes characters cut by a block boundary") {
    constexpr std::size_t block_size = 64 * 1024;
    InputFiles files;
    // The UTF-8 of "€😀" starts 1 to 4 bytes before the end of the first block. The block is
    // detected as UTF-8 all the same.
    for (std::size_t before_end = 1; before_end <= 4; ++before_end) {
        CAPTURE(before_end);
        std::string padding(block_size - before_end - 5, 'x');
        auto path = files.write("cut.csv", "note\n" + padding + "€😀\n");
        CsvDialect dialect;
        auto records = read_csv(path, {}, &dialect);
        CHECK(dialect.encoding == "UTF-8");
        REQUIRE(records.size() == 1);
        CHECK(field(records[0], "note") == padding + "€😀");
    }

    // In UTF-16, the surrogate pair of "😀" starts 2 bytes before the end of the first block.
    std::string padding((block_size - 2 - 2) / 2 - 5, 'x');
    auto path = files.write("cut-utf16.csv", encode_text("note\n" + padding + "😀\n", Bom::utf16le));
    auto records = read_csv(path);
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "note") == padding + "😀");
}

TEST_CASE("csv rejects a lone UTF-16 surrogate") {
    InputFiles files;
    auto path = files.write("surrogate.csv", "\xFF\xFE" "a\0\n\0" "\x00\xD8" "b\0"s);
    auto error = error_from([&] { read_csv(path); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 2);
}

TEST_CASE("csv detects Windows-1252") {
    InputFiles files;
    auto path = files.write("ansi.csv", "nom;note\nJos\xE9;\x80 12\n\x9Cuvre;l\x92\xE9t\xE9\nx\x81y;z\n");
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);

    CHECK(dialect.encoding == "Windows-1252");
    REQUIRE(records.size() == 3);
    CHECK(field(records[0], "nom") == "José");
    CHECK(field(records[0], "note") == "€ 12");
    CHECK(field(records[1], "nom") == "œuvre");
    CHECK(field(records[1], "note") == "l’été");
    CHECK(field(records[2], "nom") == "x\u0081y");  // undefined in Windows-1252: the C1 control
}

TEST_CASE("csv reads Windows-1252 when forced") {
    InputFiles files;
    // Valid UTF-8 for "déjà", but the bytes of "dÃ©jÃ " in Windows-1252.
    auto path = files.write("forced.csv", "nom\nd\xC3\xA9j\xC3\xA0\n");

    auto detected = read_csv(path);
    REQUIRE(detected.size() == 1);
    CHECK(field(detected[0], "nom") == "déjà");

    for (const char* name : {"windows-1252", "CP1252", "Latin1", "ISO-8859-1"}) {
        CAPTURE(name);
        CsvDialect dialect;
        auto records = read_csv(path, CsvOptions{name, std::nullopt}, &dialect);
        CHECK(dialect.encoding == "Windows-1252");
        REQUIRE(records.size() == 1);
        CHECK(field(records[0], "nom") == "d\u00C3\u00A9j\u00C3\u00A0");
    }
}

TEST_CASE("csv accepts the UTF encoding names") {
    InputFiles files;
    auto utf8 = files.write("utf8.csv", "\xEF\xBB\xBFnom\nété\n");
    auto utf16 = files.write("utf16.csv", encode_text("nom\nété\n", Bom::utf16be));
    struct Case {
        fs::path path;
        const char* name;
        const char* encoding;
    };
    for (const auto& [path, name, encoding] : {Case{utf8, "UTF-8", "UTF-8 with BOM"}, Case{utf8, "utf8", "UTF-8 with BOM"},
                                               Case{utf16, "utf-16", "UTF-16BE"}, Case{utf16, "UTF-16BE", "UTF-16BE"}}) {
        CAPTURE(name);
        CsvDialect dialect;
        auto records = read_csv(path, CsvOptions{name, std::nullopt}, &dialect);
        CHECK(dialect.encoding == encoding);
        REQUIRE(records.size() == 1);
        CHECK(field(records[0], "nom") == "été");
    }
}

TEST_CASE("csv rejects an unknown encoding name") {
    InputFiles files;
    auto path = files.write("any.csv", "a\n1\n");
    auto error = error_from([&] { open_csv(path, CsvOptions{"ebcdic", std::nullopt}); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::usage);
    CHECK(message(*error).find("ebcdic") != std::string::npos);
    CHECK(error->hint().find("windows-1252") != std::string::npos);
}

TEST_CASE("csv reports invalid UTF-8 after the first block") {
    std::string text = "id,nom\n";
    for (int i = 1; i <= 10000; ++i) text += fmt::format("{},valeur é {}\n", i, i);  // more than two blocks
    REQUIRE(text.size() > 2 * 64 * 1024);
    text += "10001,caf\xE9\n10002,fin\n";
    InputFiles files;
    auto path = files.write("late-ansi.csv", text);

    CsvDialect dialect;
    auto source = open_csv(path, {}, &dialect);
    CHECK(dialect.encoding == "UTF-8");
    std::size_t read = 0;
    auto error = error_from([&] {
        SourceRecord record;
        while (source->next(record)) ++read;
    });
    REQUIRE(error);
    CHECK(read == 10000);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 10002);
    CHECK(message(*error).find("line 10002") != std::string::npos);
    CHECK(error->hint().find("--encoding windows-1252") != std::string::npos);
}

TEST_CASE("csv rejects a NUL byte") {
    InputFiles files;
    auto path = files.write("nul.csv", "a,b\n1,2\n3,\0\n"s);
    auto error = error_from([&] { read_csv(path); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 3);
}

// --- CSV delimiters ------------------------------------------------------------------------

TEST_CASE("csv detects the comma, semicolon, tab and pipe") {
    struct Case {
        const char* text;
        char delimiter;
        std::size_t columns;
    };
    const Case cases[] = {
        {"nom,ville,cp\nDupont,Lyon,69001\nMartin,Paris,75002\n", ',', 3},
        {"nom;ville;montant\nDupont;Lyon;1 234,56\nMartin;Paris;12,5\n", ';', 3},
        {"nom\tville\tnote\nDupont\tLyon\tA, B; C\nMartin\tParis\t\n", '\t', 3},
        {"nom|ville|note\nDupont|Lyon|a,b\nMartin|Paris|c;d\n", '|', 3},
        {"\"Nom, prénom\";Ville\n\"Dupont, Jean\";Lyon\n", ';', 2},  // the comma is only inside quotes
        {"Montant (€, TTC);Date;Client\n1 234,56;03/12/2024;Dupont\n", ';', 3},  // a comma in the header and the row
        {"hostname\nsrv-01\n", ',', 1},  // one column: no delimiter to find
    };
    InputFiles files;
    for (const auto& [text, delimiter, columns] : cases) {
        CAPTURE(text);
        auto path = files.write("delimited.csv", text);
        CsvDialect dialect;
        auto source = open_csv(path, {}, &dialect);
        CHECK(dialect.delimiter == delimiter);
        CHECK(source->columns().size() == columns);
        auto records = read_all(*source);
        REQUIRE_FALSE(records.empty());
        CHECK(records[0].value.size() == columns);
        CHECK(records[0].problem.empty());
    }
}

TEST_CASE("csv uses a forced delimiter") {
    InputFiles files;
    auto path = files.write("forced.csv", "a;b,c\n1;2,3\n");
    CsvDialect dialect;
    auto source = open_csv(path, CsvOptions{std::nullopt, ','}, &dialect);
    CHECK(dialect.delimiter == ',');
    CHECK(source->columns() == std::vector<std::string>{"a;b", "c"});

    auto error = error_from([&] { open_csv(path, CsvOptions{std::nullopt, '"'}); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::usage);
}

TEST_CASE("csv reads Excel's sep= line") {
    InputFiles files;
    auto path = files.write("sep.csv", "sep=;\r\nnom;ville\r\nDupont, Jean;Lyon\r\n");
    CsvDialect dialect;
    auto source = open_csv(path, {}, &dialect);

    CHECK(dialect.sep_line);
    CHECK(dialect.delimiter == ';');
    CHECK(source->columns() == std::vector<std::string>{"nom", "ville"});
    auto records = read_all(*source);
    REQUIRE(records.size() == 1);
    CHECK(records[0].line == 3);
    CHECK(field(records[0], "nom") == "Dupont, Jean");
}

TEST_CASE("csv reads a sep= line after a BOM") {
    InputFiles files;
    auto path = files.write("sep-bom.csv", "\xEF\xBB\xBFsep=|\nnom|note\nDupont|a;b,c\n");
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);

    CHECK(dialect.sep_line);
    CHECK(dialect.delimiter == '|');
    CHECK(dialect.encoding == "UTF-8 with BOM");
    REQUIRE(records.size() == 1);
    CHECK(records[0].line == 3);
    CHECK(field(records[0], "note") == "a;b,c");
}

TEST_CASE("csv reads a tab sep= line") {
    InputFiles files;
    auto path = files.write("sep-tab.csv", "sep=\t\nnom\tville\nDupont\tLyon\n");
    CsvDialect dialect;
    auto records = read_csv(path, {}, &dialect);
    CHECK(dialect.delimiter == '\t');
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "ville") == "Lyon");
}

// --- CSV quoting and lines -----------------------------------------------------------------

TEST_CASE("csv keeps quoted delimiters and doubled quotes") {
    InputFiles files;
    auto path = files.write("quotes.csv", "nom,note\n\"Dupont, Jean\",\"Il a dit \"\"oui\"\"\"\n5\" disque,\"\"\n");
    auto records = read_csv(path);

    REQUIRE(records.size() == 2);
    CHECK(field(records[0], "nom") == "Dupont, Jean");
    CHECK(field(records[0], "note") == "Il a dit \"oui\"");
    CHECK(field(records[1], "nom") == "5\" disque");  // a quote inside an unquoted field is a character
    CHECK(field(records[1], "note") == "");
}

TEST_CASE("csv keeps line breaks inside quotes") {
    InputFiles files;
    auto path = files.write("multiline.csv", "id,note\n1,\"ligne 1\nligne 2\r\nligne 3\rfin\"\n2,suite\n");
    auto records = read_csv(path);

    REQUIRE(records.size() == 2);
    CHECK(records[0].line == 2);
    CHECK(field(records[0], "note") == "ligne 1\nligne 2\r\nligne 3\rfin");
    CHECK(records[1].line == 6);
    CHECK(records[1].number == 2);
    CHECK(field(records[1], "note") == "suite");
}

TEST_CASE("csv reports an unterminated quote at its line") {
    InputFiles files;
    auto path = files.write("unterminated.csv", "id,note\n1,ok\n2,\"pas fermé\n3,x\n4,y\n");
    auto source = open_csv(path, {});
    SourceRecord record;
    REQUIRE(source->next(record));

    auto error = error_from([&] { source->next(record); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 3);
    CHECK(message(*error).find("line 3") != std::string::npos);
    CHECK_FALSE(error->hint().empty());
}

TEST_CASE("csv reads CRLF and CR line endings") {
    InputFiles files;
    for (const char* text : {"a,b\r\n1,2\r\n3,4", "a,b\r1,2\r3,4\r", "a,b\n1,2\r\n3,4\r"}) {
        CAPTURE(text);
        auto records = read_csv(files.write("endings.csv", text));
        REQUIRE(records.size() == 2);
        CHECK(records[0].line == 2);
        CHECK(field(records[0], "b") == "2");
        CHECK(records[1].line == 3);
        CHECK(field(records[1], "b") == "4");
    }
}

TEST_CASE("csv skips blank lines") {
    InputFiles files;
    auto records = read_csv(files.write("blank.csv", "\na,b\n\n1,2\n\r\n\n3,4\n\n"));
    REQUIRE(records.size() == 2);
    CHECK(records[0].line == 4);
    CHECK(records[0].number == 1);
    CHECK(records[1].line == 7);
    CHECK(records[1].number == 2);
}

TEST_CASE("csv reads a last line without line break") {
    InputFiles files;
    auto records = read_csv(files.write("last.csv", "a,b\n1,2\n3,"));
    REQUIRE(records.size() == 2);
    CHECK(field(records[1], "a") == "3");
    CHECK(field(records[1], "b") == "");
}

// --- CSV header and values -----------------------------------------------------------------

TEST_CASE("csv fills missing fields with empty strings") {
    InputFiles files;
    auto records = read_csv(files.write("short.csv", "a,b,c\n1\n1,2\n"));
    REQUIRE(records.size() == 2);
    CHECK(records[0].value == nlohmann::ordered_json{{"a", "1"}, {"b", ""}, {"c", ""}});
    CHECK(records[0].problem.empty());
    CHECK(field(records[1], "c") == "");
}

TEST_CASE("csv keeps extra fields and reports them") {
    InputFiles files;
    auto records = read_csv(files.write("long.csv", "a,b\n1,2,3,4\n5,6\n"));
    REQUIRE(records.size() == 2);
    CHECK(records[0].value == nlohmann::ordered_json{{"a", "1"}, {"b", "2"}, {"column 3", "3"}, {"column 4", "4"}});
    CHECK(records[0].problem == "the row has 4 fields but the header has only 2 columns");
    CHECK(records[1].problem.empty());
}

TEST_CASE("csv names empty header columns") {
    InputFiles files;
    auto source = open_csv(files.write("unnamed.csv", ",b, \n1,2,3\n"), {});
    CHECK(source->columns() == std::vector<std::string>{"column 1", "b", "column 3"});
    auto records = read_all(*source);
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "column 3") == "3");
}

TEST_CASE("csv renames duplicate header names") {
    InputFiles files;
    auto source = open_csv(files.write("duplicates.csv", "Name,Name,Name,Name (2)\n1,2,3,4\n"), {});
    CHECK(source->columns() == std::vector<std::string>{"Name", "Name (2)", "Name (3)", "Name (2) (2)"});
    auto records = read_all(*source);
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "Name") == "1");
    CHECK(field(records[0], "Name (2)") == "2");
    CHECK(field(records[0], "Name (3)") == "3");
    CHECK(field(records[0], "Name (2) (2)") == "4");
}

TEST_CASE("csv keeps leading zeros") {
    InputFiles files;
    auto records = read_csv(files.write("zeros.csv", "code_postal;téléphone;siret\n01234;0612345678;00012345600017\n"));
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "code_postal") == "01234");
    CHECK(field(records[0], "téléphone") == "0612345678");
    CHECK(field(records[0], "siret") == "00012345600017");
}

TEST_CASE("csv keeps French numbers and dates as text") {
    InputFiles files;
    auto records = read_csv(files.write("french.csv", "montant;date;note\n1 234,56;03/12/2024;\" espacé \"\n"));
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "montant") == "1 234,56");
    CHECK(field(records[0], "date") == "03/12/2024");
    CHECK(field(records[0], "note") == " espacé ");
}

TEST_CASE("csv converts text to NFC") {
    InputFiles files;
    auto source = open_csv(files.write("nfd.csv", "Pre\u0301nom\nE\u0301lodie\n"), {});
    CHECK(source->columns() == std::vector<std::string>{"Prénom"});
    auto records = read_all(*source);
    REQUIRE(records.size() == 1);
    CHECK(field(records[0], "Prénom") == "Élodie");
}

TEST_CASE("csv without header is rejected") {
    InputFiles files;
    for (const char* text : {"", "\n\r\n\n", "sep=;\n", "\xEF\xBB\xBF"}) {
        CAPTURE(text);
        auto path = files.write("empty.csv", text);
        auto error = error_from([&] { open_csv(path, {}); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        CHECK(message(*error).find("header") != std::string::npos);
    }
}

TEST_CASE("csv file not found") {
    InputFiles files;
    auto error = error_from([&] { open_csv(files.folder.path() / "missing.csv", {}); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::not_found);

    error = error_from([&] { open_csv(files.folder.path(), {}); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
}

TEST_CASE("csv reads a file of many blocks") {
    std::string text = "id,hostname,note\n";
    for (int i = 1; i <= 50000; ++i) text += fmt::format("{:06},host-{},\"Équipe {}\nétage {}\"\n", i, i, i, i % 9);
    REQUIRE(text.size() > 20 * 64 * 1024);
    InputFiles files;
    auto source = open_csv(files.write("big.csv", text), {});

    SourceRecord record;
    SourceRecord last;
    std::size_t count = 0;
    while (source->next(record)) {
        ++count;
        last = record;
    }
    CHECK(count == 50000);
    CHECK(last.number == 50000);
    CHECK(last.line == 1 + 2 * 49999 + 1);
    CHECK(field(last, "id") == "050000");
    CHECK(field(last, "hostname") == "host-50000");
    CHECK(field(last, "note") == "Équipe 50000\nétage 5");
}

TEST_CASE("csv rewinds to the first record") {
    InputFiles files;
    auto source = open_csv(files.write("rewind.csv", "sep=;\nnom;ville\nA;1\nB;2\nC;3\n"), {});
    SourceRecord record;
    REQUIRE(source->next(record));
    REQUIRE(source->next(record));

    source->rewind();
    auto records = read_all(*source);
    REQUIRE(records.size() == 3);
    CHECK(records[0].number == 1);
    CHECK(records[0].line == 3);
    CHECK(field(records[0], "nom") == "A");
    CHECK(field(records[2], "ville") == "3");
    CHECK(source->columns() == std::vector<std::string>{"nom", "ville"});
}

// --- CSV in memory -------------------------------------------------------------------------

namespace {

// Reads `bytes` once from a file and once from memory, under the file's name, and checks that
// both give the same dialect, columns and records, after a rewind too.
void check_bytes_read_like_file(const std::string& bytes, const CsvOptions& options = {}) {
    InputFiles files;
    const auto path = files.write("input.csv", bytes);
    CsvDialect file_dialect;
    CsvDialect memory_dialect;
    auto from_file = open_csv(path, options, &file_dialect);
    auto from_memory = open_csv_bytes(path.string(), bytes, options, &memory_dialect);

    CHECK(memory_dialect.encoding == file_dialect.encoding);
    CHECK(memory_dialect.delimiter == file_dialect.delimiter);
    CHECK(memory_dialect.sep_line == file_dialect.sep_line);
    CHECK(from_memory->columns() == from_file->columns());
    for (int pass = 1; pass <= 2; ++pass) {
        CAPTURE(pass);
        auto expected = read_all(*from_file);
        auto records = read_all(*from_memory);
        REQUIRE(!expected.empty());
        REQUIRE(records.size() == expected.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            CAPTURE(i);
            CHECK(records[i].number == expected[i].number);
            CHECK(records[i].line == expected[i].line);
            CHECK(records[i].value == expected[i].value);
            CHECK(records[i].problem == expected[i].problem);
        }
        from_file->rewind();
        from_memory->rewind();
    }
}

// Several blocks of French text, with quoted line breaks and multi-byte characters among
// which the block ends fall.
std::string many_blocks_of_text() {
    std::string text = "sep=;\nid;nom;note\n";
    for (int i = 1; i <= 6000; ++i) text += fmt::format("{:05};Société {};\"l’été\n{} €\"\n", i, i, i % 13);
    REQUIRE(text.size() > 2 * 64 * 1024);
    return text;
}

}  // namespace

TEST_CASE("csv from bytes reads UTF-16 like the file") {
    const auto text = many_blocks_of_text();
    check_bytes_read_like_file(encode_text(text, Bom::utf16le));
    check_bytes_read_like_file(encode_text(text, Bom::utf16be));
    // Without a BOM, UTF-16 is read only when asked for.
    auto without_bom = encode_text(text, Bom::utf16le).substr(2);
    check_bytes_read_like_file(without_bom, CsvOptions{"utf-16le", std::nullopt});
}

TEST_CASE("csv from bytes reads Windows-1252 like the file") {
    // Each byte of "é", "’" and "€" is invalid UTF-8, so the first block makes it Windows-1252.
    std::string text = "nom;note\n";
    for (int i = 1; i <= 9000; ++i) text += fmt::format("Jos\xE9 {};l\x92\xE9t\xE9 \x80 {}\n", i, i % 7);
    REQUIRE(text.size() > 2 * 64 * 1024);
    check_bytes_read_like_file(text);
    check_bytes_read_like_file(text, CsvOptions{"windows-1252", ';'});

    CsvDialect dialect;
    auto records = read_all(*open_csv_bytes("ansi.csv", text, {}, &dialect));
    CHECK(dialect.encoding == "Windows-1252");
    REQUIRE(records.size() == 9000);
    CHECK(field(records.back(), "nom") == "José 9000");
    CHECK(field(records.back(), "note") == "l’été € 5");
}

TEST_CASE("csv from bytes reads UTF-8 with BOM like the file") {
    check_bytes_read_like_file("\xEF\xBB\xBF" + many_blocks_of_text());
}

TEST_CASE("csv from bytes names its input in errors") {
    auto error = error_from([] { read_all(*open_csv_bytes("export.zip/passwords.csv", "a,b\n\"open,1\n", {})); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(message(*error) == "unterminated quoted field in export.zip/passwords.csv starting at line 2");
    REQUIRE(error->location());
    CHECK(error->location()->path == "export.zip/passwords.csv");

    error = error_from([] { open_csv_bytes("export.zip/empty.csv", "", {}); });
    REQUIRE(error);
    CHECK(message(*error).find("missing header in export.zip/empty.csv") != std::string::npos);

    // Invalid UTF-8 after the first block, which was detected as UTF-8, at the same line as
    // the file reader reports it.
    std::string text = "note\n" + std::string(70 * 1024, 'x') + "\n\xE9\n";
    InputFiles files;
    auto from_file = error_from([&] { read_csv(files.write("late.csv", text)); });
    auto from_memory = error_from([&] { read_all(*open_csv_bytes("late.csv", text, {})); });
    REQUIRE(from_file);
    REQUIRE(from_memory);
    CHECK(error_line(*from_memory) == error_line(*from_file));
    CHECK(error_line(*from_memory) == 3);
}

TEST_CASE("comparable_name ignores case, accents and punctuation") {
    CHECK(comparable_name("Host Name") == "hostname");
    CHECK(comparable_name("host_name") == "hostname");
    CHECK(comparable_name(" HOSTNAME ") == "hostname");
    CHECK(comparable_name("host-name") == "hostname");
    CHECK(comparable_name("Host.Name") == "hostname");
    CHECK(comparable_name("Hôte") == comparable_name("hote"));
    CHECK(comparable_name("E-mail") == "email");
    CHECK(comparable_name("License Key(s)") == "licensekeys");
    CHECK(comparable_name("Œuvre") == "oeuvre");
    CHECK(comparable_name("Straße") == "strasse");
    CHECK(comparable_name("Имя") == "имя");  // letters of other scripts are kept
    CHECK(comparable_name("Имя") != comparable_name("Адрес"));
}

// --- the IT Glue samples -------------------------------------------------------------------

TEST_CASE("itglue sample exports read like Python's csv module") {
    // Columns, records and the UTF-8 bytes of all values, as Python 3's csv.reader reads each
    // file (opened with encoding="utf-8-sig" and newline="").
    struct Expected {
        const char* file;
        std::size_t columns;
        std::size_t records;
        std::size_t value_bytes;
    };
    const Expected samples[] = {
        {"configurations.csv", 25, 50, 14642}, {"contacts.csv", 11, 31, 8812},    {"documents.csv", 10, 10, 982},
        {"domains.csv", 6, 5, 415},            {"licensing.csv", 11, 3, 334},     {"locations.csv", 13, 8, 1111},
        {"organizations.csv", 8, 5, 689},      {"passwords.csv", 13, 20, 2825},   {"ssl_certificates.csv", 8, 3, 416},
    };
    fs::path folder = DOSSIER_SHARED_DIR "/corpora/itglue-sample";
    for (const auto& sample : samples) {
        CAPTURE(sample.file);
        CsvDialect dialect;
        auto source = open_csv(folder / sample.file, {}, &dialect);
        CHECK(dialect.delimiter == ',');
        CHECK(source->columns().size() == sample.columns);

        auto records = read_all(*source);
        CHECK(records.size() == sample.records);
        std::size_t value_bytes = 0;
        for (const auto& record : records) {
            CHECK(record.problem.empty());
            CHECK(record.value.size() == sample.columns);
            for (const auto& [key, value] : record.value.items()) value_bytes += value.get<std::string>().size();
        }
        CHECK(value_bytes == sample.value_bytes);
    }
}

TEST_CASE("itglue sample multi-line notes come through intact") {
    fs::path folder = DOSSIER_SHARED_DIR "/corpora/itglue-sample";
    auto find = [](const std::vector<SourceRecord>& records, const std::string& id) {
        for (const auto& record : records) {
            if (field(record, "id") == id) return record;
        }
        FAIL("no record with id " << id);
        return SourceRecord{};
    };

    CsvDialect dialect;
    auto organizations = read_csv(folder / "organizations.csv", {}, &dialect);
    CHECK(dialect.encoding == "UTF-8 with BOM");
    CHECK(field(find(organizations, "2417002"), "quick_notes") ==
          "Main contact prefers phone.\nAfter-hours: call the on-call mobile, NOT the office line.");

    auto configurations = read_csv(folder / "configurations.csv");
    CHECK(field(find(configurations, "9801866"), "notes") == "Écran cassé — remplacement demandé\r\nTicket #48213");
    CHECK(field(find(configurations, "9800395"), "notes") ==
          "<p>Rôle : contrôleur de domaine + serveur de fichiers</p>\n<ul><li>Sauvegarde Veeam 22h</li><li>"
          "Redémarrage : <b>dimanche uniquement</b>, prévenir M. Martin, ou Mme Dubois</li></ul>");

    auto passwords = read_csv(folder / "passwords.csv");
    CHECK(field(find(passwords, "11200692"), "notes") == "Rotation tous les 90 jours.\nDernière rotation : 2026-05-02");

    auto licensing = read_csv(folder / "licensing.csv");
    CHECK(field(find(licensing, "55000002"), "License Key(s)") == "FAKE-AUTH-0001\nFAKE-AUTH-0002");
}

// --- JSON ----------------------------------------------------------------------------------

TEST_CASE("json array read element by element") {
    InputFiles files;
    auto path = files.write("array.json", "\xEF\xBB\xBF[\n  {\"b\": 1, \"a\": \"x\"},\n  {\"c\":\n     [1, \"]\"]},\n\n  {\"d\": \"\\\"}\"}\n]\n");
    auto source = open_json(path, {});
    CHECK(source->columns().empty());

    auto records = read_all(*source);
    REQUIRE(records.size() == 3);
    CHECK(records[0].number == 1);
    CHECK(records[0].line == 2);
    CHECK(records[0].value.dump() == R"({"b":1,"a":"x"})");  // key order kept
    CHECK(records[1].line == 3);
    CHECK(records[1].value["c"][1] == "]");
    CHECK(records[2].line == 6);
    CHECK(records[2].number == 3);
    CHECK(records[2].value["d"] == "\"}");
    CHECK(records[2].problem.empty());
}

TEST_CASE("json empty array has no records") {
    InputFiles files;
    CHECK(read_json(files.write("empty.json", " [ ] \n")).empty());
}

TEST_CASE("json lines read one record per line") {
    InputFiles files;
    auto path = files.write("records.jsonl", "{\"a\": 1}\r\n\n   \n{\"a\": 2, \"b\": [1, 2]}\n{\"a\": 3}");
    auto records = read_json(path);
    REQUIRE(records.size() == 3);
    CHECK(records[0].line == 1);
    CHECK(records[1].line == 4);
    CHECK(records[1].number == 2);
    CHECK(records[1].value["b"][1] == 2);
    CHECK(records[2].line == 5);
    CHECK(records[2].value["a"] == 3);
}

TEST_CASE("json records pointer selects the array") {
    InputFiles files;
    auto path = files.write("wrapped.json", R"({
  "meta": {"count": 2, "items": "not these"},
  "data": {
    "a/b": [0, {"items": [
      {"id": 1},
      {"id": 2}
    ]}]
  },
  "after": [1, {"x": null}]
})");
    auto records = read_json(path, JsonOptions{"/data/a~1b/1/items"});
    REQUIRE(records.size() == 2);
    CHECK(records[0].line == 5);
    CHECK(records[0].value["id"] == 1);
    CHECK(records[1].line == 6);
    CHECK(records[1].number == 2);
}

TEST_CASE("json records pointer errors name the pointer") {
    InputFiles files;
    auto path = files.write("wrapped.json", R"({"data": {"items": [{"id": 1}], "count": 1}})");

    auto invalid = error_from([&] { open_json(path, JsonOptions{"data/items"}); });
    REQUIRE(invalid);
    CHECK(invalid->kind() == ErrorKind::usage);
    CHECK(message(*invalid).find("data/items") != std::string::npos);

    auto bad_escape = error_from([&] { open_json(path, JsonOptions{"/data~2"}); });
    REQUIRE(bad_escape);
    CHECK(bad_escape->kind() == ErrorKind::usage);

    for (const char* pointer : {"/data/records", "/data/items/0/id/x", "/missing", "/data/items/1", "/data/items/01"}) {
        CAPTURE(pointer);
        auto missing = error_from([&] { open_json(path, JsonOptions{pointer}); });
        REQUIRE(missing);
        CHECK(missing->kind() == ErrorKind::invalid_input);
        CHECK(message(*missing).find(pointer) != std::string::npos);
    }

    auto not_array = error_from([&] { open_json(path, JsonOptions{"/data"}); });
    REQUIRE(not_array);
    CHECK(not_array->kind() == ErrorKind::invalid_input);
    CHECK(message(*not_array).find("/data") != std::string::npos);
    CHECK(message(*not_array).find("not an array") != std::string::npos);
}

TEST_CASE("json records pointer checks the rest of the document") {
    InputFiles files;
    auto path = files.write("damaged.json", "{\"items\": [{\"id\": 1}],\n \"after\": tru}\n");
    auto source = open_json(path, JsonOptions{"/items"});
    SourceRecord record;
    REQUIRE(source->next(record));
    auto error = error_from([&] { source->next(record); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 2);
}

TEST_CASE("json non-object records have a problem") {
    InputFiles files;
    auto records = read_json(files.write("mixed.json", R"([1, "x", null, [1], true, {"a": 1}])"));
    REQUIRE(records.size() == 6);
    CHECK(records[0].problem == "the record is a number, not an object");
    CHECK(records[1].problem == "the record is a string, not an object");
    CHECK(records[2].problem == "the record is null, not an object");
    CHECK(records[3].problem == "the record is an array, not an object");
    CHECK(records[4].problem == "the record is a boolean, not an object");
    CHECK(records[5].problem.empty());
    CHECK(records[3].value == nlohmann::ordered_json::array({1}));
}

TEST_CASE("json invalid record reports its line") {
    InputFiles files;
    auto path = files.write("invalid.json", "[\n {\"a\": 1},\n {\"a\":\n   tru}\n]\n");
    auto source = open_json(path, {});
    SourceRecord record;
    REQUIRE(source->next(record));
    auto error = error_from([&] { source->next(record); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(error_line(*error) == 4);
    CHECK(message(*error).find("at line 4") != std::string::npos);
    CHECK(message(*error).find("invalid literal") != std::string::npos);
}

TEST_CASE("json lines invalid line reports its line") {
    InputFiles files;
    auto path = files.write("invalid.jsonl", "{\"a\": 1}\n\n{\"a\": }\n");
    auto source = open_json(path, {});
    SourceRecord record;
    REQUIRE(source->next(record));
    auto error = error_from([&] { source->next(record); });
    REQUIRE(error);
    CHECK(error_line(*error) == 3);
    CHECK(error->location()->column == 7);
    CHECK(message(*error).find("expected") != std::string::npos);
    CHECK(error->hint().find("--records") != std::string::npos);
}

TEST_CASE("json array structure errors") {
    struct Case {
        const char* text;
        int line;
        const char* expected;
    };
    const Case cases[] = {
        {"[\n {\"a\": 1},\n {\"a\": 2}\n", 4, "not closed"},
        {"[\n {\"a\": 1},\n]\n", 3, "expected a value"},
        {"[\n {\"a\": 1}\n {\"a\": 2}\n]\n", 3, "expected ',' or ']'"},
        {"[{\"a\": 1}]\n[{\"a\": 2}]\n", 2, "expected the end of the file"},
        {"[\n {\"a\": \"cut\n", 2, "invalid JSON"},
    };
    InputFiles files;
    for (const auto& [text, line, expected] : cases) {
        CAPTURE(text);
        auto path = files.write("broken.json", text);
        auto error = error_from([&] { read_json(path); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        CHECK(error_line(*error) == line);
        CHECK(message(*error).find(expected) != std::string::npos);
    }
}

TEST_CASE("json UTF-16 is rejected") {
    InputFiles files;
    auto path = files.write("utf16.json", encode_text("[{\"a\": 1}]", Bom::utf16le));
    auto error = error_from([&] { open_json(path, {}); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(message(*error).find("UTF-16") != std::string::npos);
}

TEST_CASE("json big array") {
    std::string text = "[\n";
    for (int i = 1; i <= 50000; ++i) text += fmt::format("{{\"id\": {}, \"name\": \"host-{}\", \"tags\": [\"a\", \"b\"]}}{}\n", i, i, i < 50000 ? "," : "");
    text += "]\n";
    InputFiles files;
    auto source = open_json(files.write("big.json", text), {});

    SourceRecord record;
    SourceRecord last;
    std::size_t count = 0;
    while (source->next(record)) {
        ++count;
        last = record;
    }
    CHECK(count == 50000);
    CHECK(last.number == 50000);
    CHECK(last.line == 50001);
    CHECK(last.value["name"] == "host-50000");
}

TEST_CASE("json rewinds to the first record") {
    InputFiles files;
    for (const char* text : {"[{\"a\": 1}, {\"a\": 2}]", "{\"a\": 1}\n{\"a\": 2}\n"}) {
        CAPTURE(text);
        auto source = open_json(files.write("rewind.json", text), {});
        SourceRecord record;
        REQUIRE(source->next(record));
        REQUIRE(source->next(record));
        CHECK_FALSE(source->next(record));

        source->rewind();
        auto records = read_all(*source);
        REQUIRE(records.size() == 2);
        CHECK(records[0].number == 1);
        CHECK(records[0].value["a"] == 1);
    }
}
