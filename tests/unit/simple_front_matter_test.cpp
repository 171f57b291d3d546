// The fast front-matter reader must give exactly what yaml-cpp gives, or step aside.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "../../src/core/simple_front_matter.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"
#include "dossier/text.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using namespace dossier;

namespace {

// Describes a value with everything the two readers must agree on, positions included.
void describe(const Value& value, std::ostringstream& out) {
    out << '@' << value.line() << ':' << value.column();
    switch (value.kind()) {
    case Value::Kind::scalar:
        out << " scalar(" << static_cast<int>(value.scalar_type()) << (value.quoted() ? ",quoted" : "") << ")["
            << value.text() << "]";
        break;
    case Value::Kind::sequence:
        out << " [";
        for (const auto& item : value.items()) {
            describe(item, out);
            out << ", ";
        }
        out << "]";
        break;
    case Value::Kind::mapping:
        out << " {";
        for (std::size_t i = 0; i < value.entries().size(); ++i) {
            auto [line, column] = value.key_position(i);
            out << value.entries()[i].first << '@' << line << ':' << column << " = ";
            describe(value.entries()[i].second, out);
            out << "; ";
        }
        out << "}";
        break;
    }
}

std::string describe(const Value& value) {
    std::ostringstream out;
    describe(value, out);
    return out.str();
}

std::string with_lf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out += text[i];
        } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
            out += '\n';
        }
    }
    return out;
}

struct Comparison {
    int simple = 0;     // read by the fast reader and equal to yaml-cpp's result
    int full_only = 0;  // left to yaml-cpp
    int different = 0;
};

// Reads the front matter of `text` both ways and compares.
void compare(const std::string& text, const std::string& name, Comparison& tally) {
    DecodedText decoded;
    FrontMatterSplit split;
    try {
        decoded = decode_text(text, name);
        split = split_front_matter(decoded.utf8, name);
    } catch (const Error&) {
        return;
    }
    if (!split.block) return;
    const auto& block = *split.block;
    std::string yaml = with_lf(std::string_view(decoded.utf8).substr(block.yaml_begin, block.yaml_end - block.yaml_begin));
    auto simple = read_simple_front_matter(yaml, block.yaml_first_line, 100'000);
    if (!simple) {
        ++tally.full_only;
        return;
    }
    std::string full;
    try {
        full = describe(parse_yaml_mapping_in_full(yaml, block.yaml_first_line, decoded.utf8, name, {}));
    } catch (const Error& error) {
        full = std::string("error: ") + error.what();
    }
    if (full == describe(*simple)) {
        ++tally.simple;
    } else {
        ++tally.different;
        MESSAGE(name << "\n  fast: " << describe(*simple) << "\n  full: " << full);
    }
}

void compare_folder(const fs::path& root, Comparison& tally) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".md") continue;
        compare(read_file(entry.path()), entry.path().string(), tally);
    }
}

const fs::path corpora_dir = fs::path(DOSSIER_SHARED_DIR) / "corpora";

}  // namespace

TEST_CASE("the fast front-matter reader agrees with yaml-cpp on hand-written cases") {
    const char* cases[] = {
        "type: runbook\ntitle: Réinitialiser le VPN du siège\nowner: jdupont\n",
        "title: \"Quoted: with colon\"\nserial: 'SN-0042'\n",
        "tags: [vpn, fortigate, \"m365\", 'wifi']\nrelated: []\n",
        "tags: [vpn, backup,]\n",
        "reviewed: 2024-03-01\nwhen: 2024-03-01T10:00:00Z\nversion: 1.10\ncount: 12\nflag: yes\nnothing: null\n",
        "# a comment first\n\ntitle: x\n\n# between\nowner: y\n",
        "url: https://example.com/a?b=c\npath: C:\\Users\\admin\n",
        "title: it's fine\nratio: 50%\n",
        "title:    spaced value   \n",
        "ms.date: 06/12/2017\nms-topic: reference\n",
        "phone: \"+33 4 12 34 56 78\"\n",
        "hostname: srv-01\nip_address: 10.0.0.1\n",
        "title: émoji 🙂 ok\nnext: é\n",
        "owner:\nnext: x\n",
        "a: b\nowner:   \n\n# c\nnext: x\n",
        "owner:\n",
        "external help file: x.xml\nModule Name: Foo\nonline version: https://x/y?view=a&b=c\n",
        "empty: ~\nnone: Null\n",
        // The escapes that dossier writes for text, as imports write notes over several lines.
        "notes: \"first line\\nsecond \\\"quoted\\\", back\\\\slash\\ttab\\/\\r\"\n",
    };
    Comparison tally;
    for (const char* yaml : cases) compare(std::string("---\n") + yaml + "---\n", yaml, tally);
    CHECK(tally.different == 0);
    CHECK(tally.simple == static_cast<int>(std::size(cases)));
}

TEST_CASE("the fast front-matter reader leaves unusual front matter to yaml-cpp") {
    const char* cases[] = {
        "title: a # comment\n",          // a comment after a value
        "title: a\ntitle: b\n",          // duplicate key: the full reader reports it
        "tags:\n  - a\n  - b\n",         // block list
        "parent:\n  child: x\n",         // nested mapping
        "k:\n k:\n  k:\n",               // nested by indentation
        "title: a\n  continued\n",       // a plain scalar over two lines
        "title: \"esc\\x41pe\"\n",       // escapes beyond \\ \" \/ \n \r \t
        "title: \"caf\\u00e9\"\n",
        "title: \"a\\\"\n",                // an escaped closing quote: the scalar is not closed
        "tags: [\"a\\nb\"]\n",             // escapes inside a list
        "title: 'it''s'\n",              // a quote inside single quotes
        "when: 2024-02-30\n",            // an invalid date, reported by the full reader
        "map: {a: b}\n",                 // flow mapping
        "tags: [a, [b]]\n",              // nested list
        "- a\n",                          // a list at the top
        "title: &anchor x\n",            // anchor
        "'quoted key': x\n",             // a quoted key
        "title: a: b\n",                 // a colon and a space in a plain scalar
        "title:\tx\n",                   // tab
        "title: -5\n",                   // a leading indicator
        "title: \" padded \"\n",         // spaces kept inside quotes
    };
    for (const char* yaml : cases) {
        CAPTURE(yaml);
        CHECK_FALSE(read_simple_front_matter(yaml, 2, 100'000).has_value());
    }
}

TEST_CASE("the fast front-matter reader counts values against the limit") {
    CHECK(read_simple_front_matter("tags: [a, b, c]\n", 2, 4).has_value());
    CHECK_FALSE(read_simple_front_matter("tags: [a, b, c]\n", 2, 3).has_value());
}

TEST_CASE("the fast front-matter reader agrees with yaml-cpp on the corpora") {
    REQUIRE_MESSAGE(fs::is_directory(corpora_dir), "the shared test corpora are missing: " << corpora_dir.string());
    Comparison tally;
    compare_folder(corpora_dir / "edge-cases", tally);
    compare_folder(corpora_dir / "runbooks", tally);

    test::TemporaryFolder folder("simple-front-matter");
    auto archive = corpora_dir / "large-windows-powershell-docs.tar.zst";
    auto command = "tar --zstd -xf '" + archive.string() + "' -C '" + folder.path().string() + "'";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "unpacking failed: " << command);
    compare_folder(folder.path(), tally);

    MESSAGE("fast reader: " << tally.simple << " documents, yaml-cpp alone: " << tally.full_only);
    CHECK(tally.different == 0);
    CHECK(tally.simple > 10'000);
}
