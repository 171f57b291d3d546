// Tests of merge_document: front matter merged key by key, bodies line by line, bytes kept.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/document.hpp"
#include "dossier/document_merge.hpp"
#include "dossier/error.hpp"
#include "dossier/line_merge.hpp"

using dossier::Document;
using dossier::merge_document;

namespace {

const std::string runbook =
    "---\n"
    "type: runbook\n"
    "title: Reset the VPN\n"
    "owner: jdupont  # the network team\n"
    "status: draft\n"
    "tags:\n"
    "  - vpn\n"
    "  - fortigate\n"
    "---\n"
    "# Reset the VPN\n"
    "\n"
    "Open the console of fw01.\n"
    "\n"
    "Restart the tunnel named hq.\n"
    "\n"
    "Check that the branch office answers.\n";

// Returns `text` with its first `from` replaced by `to`; fails the test when `from` is absent.
std::string edited(std::string text, std::string_view from, std::string_view to) {
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "not in the text: " << from);
    return text.replace(at, from.size(), to);
}

std::string with_crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

struct MergeCase {
    const char* name;
    std::optional<std::string> base;
    std::string ours;
    std::string theirs;
    std::string expected;  // the merged bytes when clean
    std::vector<std::string> conflicts;
};

}  // namespace

TEST_CASE("merge_document cases") {
    const std::string bom = "\xEF\xBB\xBF";
    const std::string added = "---\ntype: runbook\ntitle: Reset the VPN\n---\n# Reset the VPN\n";
    const std::vector<MergeCase> cases = {
        {"different keys changed on adjacent lines",
         runbook,
         edited(runbook, "owner: jdupont", "owner: cmartin"),
         edited(runbook, "status: draft", "status: approved"),
         edited(edited(runbook, "owner: jdupont", "owner: cmartin"), "status: draft", "status: approved"),
         {}},
        {"same key changed the same way, spelled differently",
         runbook,
         edited(runbook, "status: draft", "status: approved"),
         edited(edited(runbook, "status: draft", "status: \"approved\""), "tags:", "tags:  # unchanged"),
         edited(runbook, "status: draft", "status: approved"),
         {}},
        {"same key changed differently",
         runbook,
         edited(runbook, "status: draft", "status: review"),
         edited(runbook, "status: draft", "status: approved"),
         {},
         {"status"}},
        {"key added on one side",
         runbook,
         edited(runbook, "status: draft", "status: review"),
         edited(runbook, "status: draft\n", "status: draft\nreviewed: 2026-01-05  # by cmartin\n"),
         edited(runbook, "status: draft\ntags:\n  - vpn\n  - fortigate\n",
                "status: review\ntags:\n  - vpn\n  - fortigate\nreviewed: 2026-01-05  # by cmartin\n"),
         {}},
        {"key added on both sides with different values",
         runbook,
         edited(runbook, "status: draft\n", "status: draft\nreviewed: 2026-01-05\n"),
         edited(runbook, "status: draft\n", "status: draft\nreviewed: 2026-01-06\n"),
         {},
         {"reviewed"}},
        {"key removed on one side and unchanged on the other",
         runbook,
         edited(runbook, "title: Reset the VPN", "title: Reset the HQ VPN"),
         edited(runbook, "owner: jdupont  # the network team\n", ""),
         edited(edited(runbook, "title: Reset the VPN", "title: Reset the HQ VPN"),
                "owner: jdupont  # the network team\n", ""),
         {}},
        {"key removed on one side and changed on the other",
         runbook,
         edited(runbook, "owner: jdupont  # the network team\n", ""),
         edited(runbook, "owner: jdupont", "owner: cmartin"),
         {},
         {"owner"}},
        {"key removed on both sides",
         runbook,
         edited(edited(runbook, "owner: jdupont  # the network team\n", ""), "status: draft", "status: review"),
         edited(edited(runbook, "owner: jdupont  # the network team\n", ""), "type: runbook", "type: procedure"),
         edited(edited(edited(runbook, "owner: jdupont  # the network team\n", ""), "status: draft", "status: review"),
                "type: runbook", "type: procedure"),
         {}},
        {"body paragraphs edited apart",
         runbook,
         edited(runbook, "Open the console of fw01.", "Open the web console of fw01."),
         edited(runbook, "Check that the branch office answers.", "Check that the branch office answers a ping."),
         edited(edited(runbook, "Open the console of fw01.", "Open the web console of fw01."),
                "Check that the branch office answers.", "Check that the branch office answers a ping."),
         {}},
        {"same body line changed differently",
         runbook,
         edited(runbook, "Restart the tunnel named hq.", "Restart the tunnel named hq-1."),
         edited(runbook, "Restart the tunnel named hq.", "Restart the tunnel named hq-2."),
         {},
         {"body"}},
        {"front matter and body both conflict",
         runbook,
         edited(edited(runbook, "Restart the tunnel named hq.", "Restart hq-1."), "status: draft", "status: review"),
         edited(edited(runbook, "Restart the tunnel named hq.", "Restart hq-2."), "status: draft", "status: archived"),
         {},
         {"status", "body"}},
        {"front matter on one side and body on the other",
         runbook,
         edited(runbook, "owner: jdupont", "owner: cmartin"),
         edited(runbook, "Restart the tunnel named hq.", "Restart the tunnel named hq-2."),
         edited(edited(runbook, "owner: jdupont", "owner: cmartin"), "Restart the tunnel named hq.",
                "Restart the tunnel named hq-2."),
         {}},
        {"BOM and CRLF kept",
         bom + with_crlf(runbook),
         bom + with_crlf(edited(runbook, "title: Reset the VPN", "title: Reset the HQ VPN")),
         bom + with_crlf(edited(edited(runbook, "status: draft", "status: approved"), "Open the console of fw01.",
                                "Open the web console of fw01.")),
         bom + with_crlf(edited(edited(edited(runbook, "title: Reset the VPN", "title: Reset the HQ VPN"),
                                       "status: draft", "status: approved"),
                                "Open the console of fw01.", "Open the web console of fw01.")),
         {}},
        {"both sides added the file with different keys",
         std::nullopt,
         edited(added, "title: Reset the VPN\n", "title: Reset the VPN\nowner: jdupont\n"),
         edited(added, "title: Reset the VPN\n", "title: Reset the VPN\nstatus: draft\n"),
         edited(added, "title: Reset the VPN\n", "title: Reset the VPN\nowner: jdupont\nstatus: draft\n"),
         {}},
        {"both sides added the file with different titles",
         std::nullopt,
         added,
         edited(added, "title: Reset the VPN", "title: Reset the VPN tunnel"),
         {},
         {"title"}},
        {"both sides added the file with different bodies",
         std::nullopt,
         added + "\nOne.\n",
         added + "\nTwo.\n",
         {},
         {"body"}},
        {"block list changed on theirs only",
         runbook,
         edited(runbook, "status: draft", "status: review"),
         edited(runbook, "tags:\n  - vpn\n  - fortigate\n",
                "tags:\n  - vpn\n  # the model of fw01\n  - fortigate-60f\n  - ipsec\n"),
         edited(edited(runbook, "status: draft", "status: review"), "tags:\n  - vpn\n  - fortigate\n",
                "tags:\n  - vpn\n  # the model of fw01\n  - fortigate-60f\n  - ipsec\n"),
         {}},
        {"block list replaced by a flow list on theirs",
         runbook,
         edited(runbook, "status: draft", "status: review"),
         edited(runbook, "tags:\n  - vpn\n  - fortigate\n", "tags: [vpn]\n"),
         edited(edited(runbook, "status: draft", "status: review"), "tags:\n  - vpn\n  - fortigate\n", "tags: [vpn]\n"),
         {}},
        {"one-line value replaced by a literal block on theirs",
         runbook,
         edited(runbook, "status: draft", "status: review"),
         edited(runbook, "title: Reset the VPN\n", "title: |\n  Reset the VPN\n  of the head office\n"),
         edited(edited(runbook, "status: draft", "status: review"), "title: Reset the VPN\n",
                "title: |\n  Reset the VPN\n  of the head office\n"),
         {}},
        {"block list items changed apart on both sides",
         runbook,
         edited(runbook, "  - vpn\n", "  - vpn-hq\n"),
         edited(runbook, "  - fortigate\n", "  - fortigate-60f\n"),
         {},
         {"tags"}},
        {"text without front matter merged line by line",
         "one\ntwo\nthree\nfour\n",
         "one!\ntwo\nthree\nfour\n",
         "one\ntwo\nthree\nfour!\n",
         "one!\ntwo\nthree\nfour!\n",
         {}},
        {"text without front matter that conflicts", "one\ntwo\n", "one\nzwei\n", "one\ndeux\n", {}, {"body"}},
        {"invalid front matter merged line by line",
         "---\ntitle: [open\n---\nA\nB\nC\n",
         "---\ntitle: [open\n---\nA!\nB\nC\n",
         "---\ntitle: [open\n---\nA\nB\nC!\n",
         "---\ntitle: [open\n---\nA!\nB\nC!\n",
         {}},
    };

    for (const auto& merge_case : cases) {
        CAPTURE(merge_case.name);
        auto merged = merge_document(merge_case.base, merge_case.ours, merge_case.theirs, "runbooks/vpn-reset.md");
        CHECK(merged.conflicts == merge_case.conflicts);
        if (merge_case.conflicts.empty()) {
            CHECK(merged.clean);
            CHECK(merged.bytes == merge_case.expected);
        } else {
            CHECK_FALSE(merged.clean);
            CHECK(merged.bytes.find("\n<<<<<<< ours") != std::string::npos);
            CHECK(merged.bytes.find("\n=======") != std::string::npos);
            CHECK(merged.bytes.find("\n>>>>>>> theirs") != std::string::npos);
        }
    }
}

TEST_CASE("merge_document merges adjacent keys that lines cannot") {
    auto ours = edited(runbook, "owner: jdupont", "owner: cmartin");
    auto theirs = edited(runbook, "status: draft", "status: approved");
    CHECK_FALSE(dossier::git::merge_lines(runbook, ours, theirs).clean);
    CHECK(merge_document(runbook, ours, theirs, "runbooks/vpn-reset.md").clean);
}

TEST_CASE("merge_document conflict shows both values of the key") {
    auto ours = edited(runbook, "status: draft", "status: review");
    auto theirs = edited(runbook, "status: draft", "status: approved");
    auto merged = merge_document(runbook, ours, theirs, "runbooks/vpn-reset.md");
    CHECK(merged.bytes == edited(runbook, "status: draft\n",
                                 "<<<<<<< ours\nstatus: review\n=======\nstatus: approved\n>>>>>>> theirs\n"));
}

TEST_CASE("merge_document marks block list items that change apart") {
    // The lines merge cleanly, but the list changed differently on both sides.
    const std::string base = "---\ntitle: x\ntags:\n  - a\n  - b\n  - c\n---\nText.\n";
    auto ours = edited(base, "  - a\n", "  - a1\n");
    auto theirs = edited(base, "  - c\n", "  - c1\n");
    auto merged = merge_document(base, ours, theirs, "runbooks/vpn-reset.md");
    CHECK_FALSE(merged.clean);
    CHECK(merged.conflicts == std::vector<std::string>{"tags"});
    CHECK(merged.bytes ==
          "---\ntitle: x\ntags:\n<<<<<<< ours\n  - a1\n  - b\n  - c\n=======\n  - a\n  - b\n  - c1\n>>>>>>> theirs\n"
          "---\nText.\n");
}

TEST_CASE("merge_document result reads back as a document") {
    auto ours = edited(runbook, "title: Reset the VPN", "title: Reset the HQ VPN");
    auto theirs = edited(runbook, "tags:\n  - vpn\n  - fortigate\n", "tags:\n  - vpn\n  - ipsec\n");
    auto merged = merge_document(runbook, ours, theirs, "runbooks/vpn-reset.md");
    REQUIRE(merged.clean);
    auto document = Document::parse(merged.bytes, "runbooks/vpn-reset.md");
    CHECK(document.field("title") == "Reset the HQ VPN");
    const auto* tags = document.front_matter().find("tags");
    REQUIRE(tags != nullptr);
    REQUIRE(tags->items().size() == 2);
    CHECK(tags->items()[1].text() == "ipsec");
}

TEST_CASE("merge_document takes the changed side when one side is the base") {
    auto changed = edited(runbook, "status: draft", "status:   approved");
    CHECK(merge_document(runbook, runbook, changed, "r.md").bytes == changed);
    CHECK(merge_document(runbook, changed, runbook, "r.md").bytes == changed);
    CHECK(merge_document(std::nullopt, changed, changed, "r.md").bytes == changed);
}

TEST_CASE("set_entry_text splices lines and keeps the other bytes") {
    auto document = Document::parse(with_crlf(runbook), "r.md");
    document.set_entry_text("tags", "tags:\n  - a\n  - b  # second\n");
    CHECK(document.to_bytes() == with_crlf(edited(runbook, "  - vpn\n  - fortigate\n", "  - a\n  - b  # second\n")));

    document.set_entry_text("reviewed", "reviewed: 2026-01-05\n");
    CHECK(document.entry_text("reviewed") == "reviewed: 2026-01-05\r\n");
    CHECK(document.front_matter().find("reviewed")->scalar_type() == dossier::ScalarType::date);
}

TEST_CASE("set_entry_text rejects lines that define other keys") {
    auto document = Document::parse(runbook, "r.md");
    CHECK_THROWS_AS(document.set_entry_text("status", "status: a\nowner: b\n"), dossier::Error);
    CHECK_THROWS_AS(document.set_entry_text("status", "title: a\n"), dossier::Error);
    CHECK_THROWS_AS(document.set_entry_text("status", "status: [open\n"), dossier::Error);
    // Indented lines would become part of the key before them.
    CHECK_THROWS_AS(document.set_entry_text("reviewed", "  reviewed: 2026-01-05\n"), dossier::Error);
    CHECK(document.to_bytes() == runbook);
}

TEST_CASE("entry_text ends at the value before a comment line") {
    auto document = Document::parse("---\ntags:\n  - a\n# about the owner\nowner: x\n---\n", "r.md");
    CHECK(document.entry_text("tags") == "tags:\n  - a\n");
    CHECK(document.entry_text("owner") == "owner: x\n");
    CHECK_FALSE(document.entry_text("title").has_value());
}
