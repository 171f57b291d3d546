// Tests of the files of an export, as a folder and as a ZIP file read in memory: the layouts
// of an export's ZIP file, and each kind of hostile or damaged archive. Such an archive must
// fail with an error that names the member before the import reads anything.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "dossier/error.hpp"
#include "importers/export_files.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using namespace dossier;
using namespace dossier::importers;

namespace {

// One member of a ZIP file written by hand, so that a test can declare what a hostile archive
// declares: any name, size, checksum, flag or file type.
struct MemberSpec {
    MemberSpec(std::string name_, std::string data_, bool deflate_ = false)
        : name(std::move(name_)), data(std::move(data_)), deflate(deflate_) {}

    std::string name;
    std::string data;
    bool deflate = false;
    std::optional<std::uint32_t> declared_size;  // the uncompressed size written; the data's size if absent
    std::optional<std::uint32_t> declared_crc;   // the CRC-32 written; the data's if absent
    std::uint16_t flags = 0;                     // general purpose flags: bit 0 marks an encrypted member
    std::uint32_t unix_mode = 0100644;           // a regular file; 0120777 for a symbolic link
};

MemberSpec declaring_size(MemberSpec member, std::uint32_t size) {
    member.declared_size = size;
    return member;
}

MemberSpec declaring_crc(MemberSpec member, std::uint32_t crc) {
    member.declared_crc = crc;
    return member;
}

MemberSpec encrypted(MemberSpec member) {
    member.flags = 1;
    return member;
}

MemberSpec with_unix_mode(MemberSpec member, std::uint32_t mode) {
    member.unix_mode = mode;
    return member;
}

void put16(std::string& out, std::uint32_t value) {
    out += static_cast<char>(value & 0xFF);
    out += static_cast<char>((value >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value & 0xFFFF);
    put16(out, value >> 16);
}

std::uint32_t crc32_of(const std::string& data) {
    return static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

// Returns `data` compressed with raw Deflate, as ZIP's method 8 stores it.
std::string deflated(const std::string& data) {
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// Returns the bytes of a ZIP file (local headers, central directory, end record) of `members`.
std::string zip_bytes(const std::vector<MemberSpec>& members) {
    std::string body;
    std::string directory;
    for (const auto& member : members) {
        const auto stored = member.deflate ? deflated(member.data) : member.data;
        const auto size = member.declared_size.value_or(static_cast<std::uint32_t>(member.data.size()));
        const auto crc = member.declared_crc.value_or(crc32_of(member.data));
        const auto offset = static_cast<std::uint32_t>(body.size());
        const std::uint16_t method = member.deflate ? 8 : 0;

        auto common = [&](std::string& out) {
            put16(out, 20);  // version needed to extract: 2.0
            put16(out, member.flags);
            put16(out, method);
            put16(out, 0);       // time
            put16(out, 0x5821);  // date: 2024-01-01
            put32(out, crc);
            put32(out, static_cast<std::uint32_t>(stored.size()));
            put32(out, size);
            put16(out, static_cast<std::uint32_t>(member.name.size()));
            put16(out, 0);  // extra field length
        };
        put32(body, 0x04034b50);
        common(body);
        body += member.name + stored;

        put32(directory, 0x02014b50);
        put16(directory, 0x0314);  // made by Unix (3), version 2.0
        common(directory);
        put16(directory, 0);  // comment length
        put16(directory, 0);  // disk number
        put16(directory, 0);  // internal attributes
        put32(directory, member.unix_mode << 16);
        put32(directory, offset);
        directory += member.name;
    }
    std::string end;
    put32(end, 0x06054b50);
    put16(end, 0);
    put16(end, 0);
    put16(end, static_cast<std::uint32_t>(members.size()));
    put16(end, static_cast<std::uint32_t>(members.size()));
    put32(end, static_cast<std::uint32_t>(directory.size()));
    put32(end, static_cast<std::uint32_t>(body.size()));
    put16(end, 0);
    return body + directory + end;
}

const std::string organizations = "id,name\n7,Initech\n";

struct Archives {
    test::TemporaryFolder folder{"export-files"};

    fs::path write(const std::string& bytes, const std::string& name = "export.zip") const {
        auto path = folder.path() / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        REQUIRE(out.good());
        return path;
    }

    fs::path write(const std::vector<MemberSpec>& members) const { return write(zip_bytes(members)); }
};

// Opens `path` and returns the error it throws. Fails the test when it opens.
Error open_error(const fs::path& path, const ZipLimits& limits = {}) {
    try {
        open_export(path, "organizations.csv", limits);
    } catch (const Error& error) {
        return error;
    }
    FAIL("the archive was opened");
    throw std::logic_error("unreachable");
}

std::string message(const Error& error) { return error.what(); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> entry_paths(const ExportFiles& files) {
    std::vector<std::string> paths;
    for (const auto& entry : files.entries()) paths.push_back(entry.path + (entry.folder ? "/" : ""));
    return paths;
}

}  // namespace

// --- layouts -------------------------------------------------------------------------------

TEST_CASE("zip export at the top of the archive") {
    Archives archives;
    const auto path = archives.write({{"organizations.csv", organizations, true},
                                      {"documents/DOC-7-70 Backup/Backup.html", "<p>x</p>", true},
                                      {"licensing.csv", "id,Name\n1,Office\n"}});
    auto files = open_export(path, "organizations.csv");

    CHECK(files->source() == path);
    CHECK(files->is_file("organizations.csv"));
    CHECK_FALSE(files->is_file("documents"));
    CHECK(files->read("organizations.csv") == organizations);
    CHECK(entry_paths(*files) == std::vector<std::string>{"documents/", "documents/DOC-7-70 Backup/",
                                                          "documents/DOC-7-70 Backup/Backup.html", "licensing.csv",
                                                          "organizations.csv"});
    CHECK(files->display_path("licensing.csv") == path / "licensing.csv");
}

TEST_CASE("zip export in one top-level folder") {
    Archives archives;
    const auto path = archives.write({{"export-123456/", ""},
                                      {"export-123456/organizations.csv", organizations, true},
                                      {"export-123456/documents/DOC-7-70 Backup/Backup.html", "<p>x</p>"},
                                      {"__MACOSX/export-123456/._organizations.csv", "resource fork"}});
    auto files = open_export(path, "organizations.csv");

    CHECK(files->is_file("organizations.csv"));
    CHECK(files->read("documents/DOC-7-70 Backup/Backup.html") == "<p>x</p>");
    CHECK_FALSE(files->is_file("export-123456/organizations.csv"));
    CHECK(entry_paths(*files) == std::vector<std::string>{"documents/", "documents/DOC-7-70 Backup/",
                                                          "documents/DOC-7-70 Backup/Backup.html",
                                                          "organizations.csv"});
    CHECK(files->display_path("organizations.csv") == path / "export-123456" / "organizations.csv");
}

TEST_CASE("zip export reads a CSV member as the CSV reader reads a file") {
    Archives archives;
    // UTF-16LE with a BOM, which the CSV reader detects in memory as it does in a file.
    std::string utf16 = "\xFF\xFE";
    for (char c : std::string("id;name\r\n7;Initech\r\n")) utf16 += std::string{c, '\0'};
    const auto path = archives.write({{"organizations.csv", utf16, true}});
    auto files = open_export(path, "organizations.csv");

    auto source = files->open_csv("organizations.csv", {});
    CHECK(source->columns() == std::vector<std::string>{"id", "name"});
    SourceRecord record;
    REQUIRE(source->next(record));
    CHECK(record.value["name"] == "Initech");
    CHECK(record.line == 2);
    CHECK_FALSE(source->next(record));
}

TEST_CASE("zip export errors name the member inside the archive") {
    Archives archives;
    const auto path = archives.write({{"export/organizations.csv", "id,name\n\"7,Initech\n"}});
    auto files = open_export(path, "organizations.csv");
    try {
        auto source = files->open_csv("organizations.csv", {});
        SourceRecord record;
        while (source->next(record)) {
        }
        FAIL("the unterminated field was read");
    } catch (const Error& error) {
        CHECK(contains(message(error), (path / "export" / "organizations.csv").string()));
    }
    auto missing = [&] { files->read("passwords.csv"); };
    CHECK_THROWS_AS(missing(), Error);
}

TEST_CASE("zip without the marker file opens at its top") {
    Archives archives;
    const auto path = archives.write({{"report.pdf", "%PDF-1.4"}, {"notes/readme.txt", "hello"}});
    auto files = open_export(path, "organizations.csv");
    CHECK_FALSE(files->is_file("organizations.csv"));
    CHECK(files->is_file("report.pdf"));
}

TEST_CASE("zip with several exports is rejected") {
    Archives archives;
    const auto path = archives.write({{"a/organizations.csv", organizations}, {"b/organizations.csv", organizations}});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "holds several exports, in the folders a, b"));
    CHECK_FALSE(error.hint().empty());
}

TEST_CASE("folder export lists, tests and reads its files") {
    test::TemporaryFolder folder("export-folder");
    fs::create_directories(folder.path() / "documents" / "DOC-7-70 Backup");
    std::ofstream(folder.path() / "organizations.csv") << organizations;
    std::ofstream(folder.path() / "documents" / "DOC-7-70 Backup" / "Backup.html") << "<p>x</p>";
    auto files = open_export(folder.path(), "organizations.csv");

    CHECK(files->source() == folder.path());
    CHECK(files->is_file("organizations.csv"));
    CHECK_FALSE(files->is_file("documents"));
    CHECK(files->read("documents/DOC-7-70 Backup/Backup.html") == "<p>x</p>");
    CHECK(entry_paths(*files) == std::vector<std::string>{"documents/", "documents/DOC-7-70 Backup/",
                                                          "documents/DOC-7-70 Backup/Backup.html",
                                                          "organizations.csv"});
    CHECK(files->display_path("organizations.csv") == folder.path() / "organizations.csv");
}

TEST_CASE("export path that does not exist") {
    Archives archives;
    auto error = open_error(archives.folder.path() / "missing.zip");
    CHECK(error.kind() == ErrorKind::not_found);
    CHECK(contains(message(error), "missing.zip"));
}

// --- hostile archives ------------------------------------------------------------------------

TEST_CASE("zip member with .. is rejected") {
    Archives archives;
    for (const char* name : {"../organizations.csv", "documents/../../passwords.csv", "export/..\\..\\evil.csv"}) {
        CAPTURE(name);
        const auto path = archives.write({{"organizations.csv", organizations}, {name, "x"}});
        auto error = open_error(path);
        CHECK(error.kind() == ErrorKind::invalid_input);
        CHECK(contains(message(error), std::string("unsafe member ") + name));
        CHECK(contains(message(error), "leads out of the archive"));
        CHECK(contains(message(error), path.string()));
        CHECK(contains(error.hint(), "download the export again"));
    }
}

TEST_CASE("zip member with an absolute path is rejected") {
    Archives archives;
    for (const char* name : {"/etc/cron.d/evil", "C:\\Windows\\evil.csv", "c:/evil.csv"}) {
        CAPTURE(name);
        const auto path = archives.write({{name, "x"}, {"organizations.csv", organizations}});
        auto error = open_error(path);
        CHECK(error.kind() == ErrorKind::invalid_input);
        CHECK(contains(message(error), std::string("unsafe member ") + name));
        CHECK(contains(message(error), "its path is absolute"));
    }
}

TEST_CASE("zip member that is a symbolic link is rejected") {
    Archives archives;
    const auto path = archives.write({{"organizations.csv", organizations},
                                      with_unix_mode({"passwords.csv", "/home/alice/.ssh/id_ed25519"}, 0120777)});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "unsafe member passwords.csv"));
    CHECK(contains(message(error), "it is a symbolic link"));

    const auto fifo = archives.write({{"organizations.csv", organizations}, with_unix_mode({"pipe", ""}, 0010644)});
    CHECK(contains(message(open_error(fifo)), "it is neither a file nor a folder"));
}

TEST_CASE("zip members with the same name are rejected") {
    Archives archives;
    const auto same =
        archives.write({{"organizations.csv", organizations}, {"organizations.csv", "id,name\n8,Evil\n"}});
    auto error = open_error(same);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "unsafe member organizations.csv"));
    CHECK(contains(message(error), "another member has the same name"));

    // The same path written two ways.
    const auto spelled =
        archives.write({{"export/organizations.csv", organizations}, {"export/./organizations.csv", organizations}});
    CHECK(contains(message(open_error(spelled)), "another member has the same name"));

    const auto file_and_folder = archives.write({{"organizations.csv", organizations},
                                                 {"documents", "x"},
                                                 {"documents/DOC-7-70 Backup/Backup.html", "<p>x</p>"}});
    CHECK(contains(message(open_error(file_and_folder)), "documents is both a file and a folder"));
}

TEST_CASE("zip member with a huge declared size is rejected") {
    Archives archives;
    const auto path = archives.write({{"organizations.csv", organizations},
                                      declaring_size({"passwords.csv", std::string(1000, 'x'), true}, 0xFFFFFFF0u)});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "member passwords.csv in the ZIP file"));
    CHECK(contains(message(error), "is too large"));
    CHECK(contains(message(error), "over the limit of 1 GiB"));
    CHECK(contains(error.hint(), "ZIP bomb"));
}

TEST_CASE("zip members adding up beyond the limit are rejected") {
    Archives archives;
    const std::string zeros(600 * 1024, '\0');
    const auto path =
        archives.write({{"organizations.csv", organizations}, {"a.bin", zeros, true}, {"b.bin", zeros, true}});
    ZipLimits limits;
    limits.max_member_size = 1 << 20;
    limits.max_total_size = 1 << 20;
    auto error = open_error(path, limits);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "add up to more than 1 MiB"));

    limits.max_total_size = 2 << 20;
    CHECK(open_export(path, "organizations.csv", limits)->read("b.bin") == zeros);
}

TEST_CASE("zip member that inflates beyond its declared size is rejected") {
    Archives archives;
    // 8 MiB of zeros deflate to a few KiB; the archive declares 100 bytes.
    const auto path = archives.write({{"organizations.csv", organizations},
                                      declaring_size({"passwords.csv", std::string(8 << 20, '\0'), true}, 100)});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "damaged member passwords.csv"));
    CHECK(contains(message(error), "does not inflate to its declared size of 100 bytes"));
}

TEST_CASE("zip member that is encrypted is rejected") {
    Archives archives;
    const auto path =
        archives.write({{"organizations.csv", organizations}, encrypted({"passwords.csv", std::string(40, '\x5A')})});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "encrypted member passwords.csv"));
    CHECK(contains(error.hint(), "without a password"));
}

TEST_CASE("zip member with a wrong checksum is rejected") {
    Archives archives;
    const auto path = archives.write({{"organizations.csv", organizations},
                                      declaring_crc({"passwords.csv", "id,password\n1,secret\n", true}, 0x12345678u)});
    auto error = open_error(path);
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "damaged member passwords.csv"));
    CHECK(contains(error.hint(), "download the export again"));
}

TEST_CASE("zip file that is damaged is rejected") {
    Archives archives;
    const auto valid = zip_bytes({{"organizations.csv", organizations, true}});

    // Without its end record, which points at the central directory, the file is no ZIP file.
    auto error = open_error(archives.write(valid.substr(0, valid.size() - 22), "cut.zip"));
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "one cut short"));
    CHECK(contains(message(error), "cut.zip"));

    // A central directory that the end record places past the end of the file.
    auto moved = valid;
    moved[moved.size() - 6] = '\x7F';
    error = open_error(archives.write(moved, "moved.zip"));
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "damaged ZIP file"));
    CHECK(contains(message(error), "moved.zip"));
    CHECK(contains(error.hint(), "download the export again"));
}

TEST_CASE("file that is not a ZIP file is rejected") {
    Archives archives;
    auto error = open_error(archives.write("id,name\n7,Initech\n", "organizations.csv"));
    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(contains(message(error), "not a ZIP file, or one cut short: "));
    CHECK(contains(message(error), "organizations.csv"));
    CHECK(contains(error.hint(), "give the folder of the export"));
}
