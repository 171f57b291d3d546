// Tests of document references: the forms users type, and the paths that must be rejected.
#include "dossier/reference.hpp"

#include <doctest/doctest.h>
#include <git2.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::Error;
using dossier::ErrorKind;
using dossier::find_colliding_path;
using dossier::list_documents;
using dossier::Reference;
using dossier::resolve_reference;
using dossier::Workspace;

using dossier::test::TemporaryFolder;

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

// A workspace with the clients "acme" and "beta". Acme contains runbooks/vpn-reset.md and
// contacts/jeanne-dupont.md.
class ReferenceFixture {
public:
    ReferenceFixture() {
        dossier::git::Signature author{"Alice Martin", "alice@example.com"};
        Workspace::init(root(), "en", author);
        workspace_.emplace(Workspace::open(root()));
        workspace_->add_client("Acme", "acme", "en", author, "2026-03-15");
        workspace_->add_client("Beta", "beta", "en", author, "2026-03-15");
        write_file(acme() / "runbooks" / "vpn-reset.md", "---\ntype: runbook\ntitle: VPN\n---\n");
        write_file(acme() / "contacts" / "jeanne-dupont.md", "---\ntype: contact\ntitle: Jeanne\n---\n");
    }

protected:
    dossier::git::Library library_;
    TemporaryFolder sandbox_;
    std::optional<Workspace> workspace_;

    fs::path root() const { return sandbox_.path() / "msp"; }
    fs::path acme() const { return root() / "clients" / "acme"; }
    const Workspace& workspace() const { return *workspace_; }

    Reference resolve(const std::string& text, bool must_exist = true) const {
        return resolve_reference(workspace(), text, root(), must_exist);
    }
    Reference resolve_in(const fs::path& current_dir, const std::string& text, bool must_exist = true) const {
        return resolve_reference(workspace(), text, current_dir, must_exist);
    }

    // Returns the kind of the error that resolving `text` from `current_dir` throws.
    std::optional<ErrorKind> error_kind(const std::string& text, const fs::path& current_dir,
                                        bool must_exist = false) const {
        try {
            resolve_reference(workspace(), text, current_dir, must_exist);
        } catch (const Error& error) {
            return error.kind();
        }
        return std::nullopt;
    }
};

// --- forms -----------------------------------------------------------------------------

TEST_CASE_FIXTURE(ReferenceFixture, "reference is the client slug then the path") {
    auto reference = resolve("acme/runbooks/vpn-reset");

    CHECK(reference.client.slug == "acme");
    CHECK(reference.client.name == "Acme");
    CHECK(reference.path == "runbooks/vpn-reset.md");
    CHECK(reference.file() == acme() / "runbooks" / "vpn-reset.md");
    CHECK(reference.to_string() == "acme/runbooks/vpn-reset");
}

TEST_CASE_FIXTURE(ReferenceFixture, "reference takes .md or not") {
    CHECK(resolve("acme/runbooks/vpn-reset.md").path == "runbooks/vpn-reset.md");
    CHECK(resolve("acme/client").path == "client.md");
    CHECK(resolve("acme/client.md").to_string() == "acme/client");
}

TEST_CASE_FIXTURE(ReferenceFixture, "reference ignores ./ and doubled slashes") {
    CHECK(resolve("acme/./runbooks//vpn-reset").path == "runbooks/vpn-reset.md");
    CHECK(resolve("./acme/runbooks/vpn-reset/").path == "runbooks/vpn-reset.md");
}

TEST_CASE_FIXTURE(ReferenceFixture, "reference is normalised to NFC") {
    write_file(acme() / "kb" / "café.md", "# Café\n");

    auto reference = resolve("acme/kb/cafe\xCC\x81");

    CHECK(reference.path == "kb/café.md");
    CHECK(reference.file() == acme() / "kb" / "café.md");
}

TEST_CASE_FIXTURE(ReferenceFixture, "reference to a new document is allowed") {
    auto reference = resolve("acme/runbooks/new-one", false);

    CHECK(reference.path == "runbooks/new-one.md");
}

// --- rejected paths --------------------------------------------------------------------

TEST_CASE_FIXTURE(ReferenceFixture, "reference leaving the client repository is a usage error") {
    for (const std::string text :
         {"acme/../beta/client", "acme/runbooks/../../beta/client", "acme/..", "/etc/passwd", "/acme/client",
          "acme/.git/config", "acme/runbooks/.git", "acme\\runbooks\\vpn-reset", "acme", "acme/", "", "."}) {
        CAPTURE(text);
        CHECK(error_kind(text, root()) == ErrorKind::usage);
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "reference of invalid UTF-8 is a usage error") {
    CHECK(error_kind("acme/caf\xE9", root()) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "unknown client suggests the closest slugs") {
    try {
        resolve("acm/runbooks/vpn-reset");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.what()) == "client not found: acm");
        CHECK(error.hint() == "did you mean acme?");
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "unknown client far from any points to client list") {
    try {
        resolve("zzzzzzzz/x");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(error.hint() == "run \"dossier client list\" to see the clients");
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "missing document suggests the closest documents") {
    try {
        resolve("acme/runbooks/vpn-rest");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.what()) == "document not found: acme/runbooks/vpn-rest");
        CHECK(error.hint() == "did you mean acme/runbooks/vpn-reset?");
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "missing document suggests its case twin first") {
    try {
        resolve("acme/Contacts/Jeanne-Dupont");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(error.hint() == "did you mean acme/contacts/jeanne-dupont?");
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "a folder is not a document") {
    CHECK(error_kind("acme/runbooks", root(), true) == ErrorKind::not_found);
}

// --- symbolic links --------------------------------------------------------------------

TEST_CASE_FIXTURE(ReferenceFixture, "symbolic link to an outside file is rejected") {
    write_file(sandbox_.path() / "outside.md", "secret\n");
    fs::create_symlink(sandbox_.path() / "outside.md", acme() / "runbooks" / "outside.md");

    CHECK(error_kind("acme/runbooks/outside", root(), true) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "symbolic link to an outside folder is rejected") {
    write_file(sandbox_.path() / "elsewhere" / "doc.md", "secret\n");
    fs::create_directory_symlink(sandbox_.path() / "elsewhere", acme() / "linked");

    CHECK(error_kind("acme/linked/doc", root(), true) == ErrorKind::usage);
    CHECK(error_kind("acme/linked/new", root(), false) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "symbolic link to another client is rejected") {
    fs::create_directory_symlink(root() / "clients" / "beta", acme() / "beta-link");

    CHECK(error_kind("acme/beta-link/client", root(), true) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "symbolic link inside the repository is rejected") {
    fs::create_symlink("vpn-reset.md", acme() / "runbooks" / "vpn.md");
    fs::create_directory_symlink("runbooks", acme() / "procedures");

    CHECK(error_kind("acme/runbooks/vpn", root(), true) == ErrorKind::usage);
    CHECK(error_kind("acme/procedures/vpn-reset", root(), true) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "document inside a nested repository is rejected") {
    write_file(acme() / "vendor" / ".git" / "HEAD", "ref: refs/heads/main\n");
    write_file(acme() / "vendor" / "notes.md", "# Notes\n");

    CHECK(error_kind("acme/vendor/notes", root(), true) == ErrorKind::usage);
}

TEST_CASE_FIXTURE(ReferenceFixture, "NFC reference finds a file named in NFD") {
    write_file(acme() / "kb" / "cafe\xcc\x81.md", "# Café\n");

    CHECK(resolve("acme/kb/caf\xc3\xa9").path == "kb/cafe\xcc\x81.md");
}

// --- inside a client folder ------------------------------------------------------------

TEST_CASE_FIXTURE(ReferenceFixture, "inside a client folder a relative path works") {
    CHECK(resolve_in(acme() / "runbooks", "vpn-reset").path == "runbooks/vpn-reset.md");
    CHECK(resolve_in(acme() / "runbooks", "../contacts/jeanne-dupont").path == "contacts/jeanne-dupont.md");
    CHECK(resolve_in(acme(), "runbooks/vpn-reset.md").path == "runbooks/vpn-reset.md");
    CHECK(resolve_in(acme() / "runbooks", "./vpn-reset").client.slug == "acme");
}

TEST_CASE_FIXTURE(ReferenceFixture, "inside a client folder the client form still works") {
    auto reference = resolve_in(acme() / "runbooks", "beta/client");

    CHECK(reference.client.slug == "beta");
    CHECK(reference.path == "client.md");
    CHECK(resolve_in(acme() / "runbooks", "acme/contacts/jeanne-dupont").path == "contacts/jeanne-dupont.md");
}

TEST_CASE_FIXTURE(ReferenceFixture, "inside a client folder a new document is relative") {
    CHECK(resolve_in(acme() / "runbooks", "vpn-siege", false).path == "runbooks/vpn-siege.md");
    CHECK(resolve_in(acme(), "procedures/vpn", false).path == "procedures/vpn.md");
    CHECK(resolve_in(acme(), "procedures/vpn", false).client.slug == "acme");
}

TEST_CASE_FIXTURE(ReferenceFixture, "inside a client missing document suggests neighbours") {
    try {
        resolve_in(acme() / "runbooks", "vpn-rest");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.what()) == "document not found: acme/runbooks/vpn-rest");
        CHECK(error.hint() == "did you mean acme/runbooks/vpn-reset?");
    }
}

TEST_CASE_FIXTURE(ReferenceFixture, "inside a client folder leaving the repository is rejected") {
    CHECK(error_kind("../../beta/client", acme() / "runbooks", true) == ErrorKind::usage);
    CHECK(error_kind("../../../dossier.yaml", acme() / "runbooks") == ErrorKind::usage);
    CHECK(error_kind("../.git/config", acme() / "runbooks") == ErrorKind::usage);
    CHECK(error_kind("/etc/passwd", acme()) == ErrorKind::usage);
}

// --- listing and collisions ------------------------------------------------------------

TEST_CASE_FIXTURE(ReferenceFixture, "list_documents lists Markdown files sorted, without hidden ones") {
    write_file(acme() / "attachments" / "plan.pdf", "%PDF");
    write_file(acme() / ".drafts" / "hidden.md", "x");
    write_file(acme() / "kb" / ".swap.md", "x");
    write_file(acme() / "kb" / "a b.md", "x");

    auto client = *workspace().find_client("acme");

    CHECK(list_documents(client) ==
          std::vector<std::string>{"client.md", "contacts/jeanne-dupont.md", "kb/a b.md", "runbooks/vpn-reset.md"});
}

TEST_CASE_FIXTURE(ReferenceFixture, "find_colliding_path finds case and NFD twins") {
    write_file(acme() / "kb" / "cafe\xCC\x81.md", "x");
    auto client = *workspace().find_client("acme");

    CHECK(find_colliding_path(client, "Runbooks/VPN-Reset.md") == "runbooks/vpn-reset.md");
    CHECK(find_colliding_path(client, "kb/café.md") == "kb/cafe\xCC\x81.md");
    CHECK(find_colliding_path(client, "kb/CAFÉ.md") == "kb/cafe\xCC\x81.md");
    CHECK(find_colliding_path(client, "runbooks/vpn-reset.md") == "");
    CHECK(find_colliding_path(client, "runbooks/vpn.md") == "");
}

}  // namespace
