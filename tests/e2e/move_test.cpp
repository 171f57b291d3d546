// End-to-end tests of moving, removing and restoring documents, and of reference checks.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::firewall_document;
using dossier::e2e::jeanne_document;
using dossier::e2e::vpn_reset_document;

// --- mv --------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "mv rewrites related entries in their own spelling") {
    commit_document("acme", "sites/siege.md",
                    "---\n"
                    "type: site\n"
                    "title: Siège # main office\n"
                    "related:\n"
                    "  - runbooks/vpn-reset\n"
                    "  - acme/runbooks/vpn-reset.md\n"
                    "  - assets/fw01\n"
                    "owner: jdupont\n"
                    "---\n"
                    "# Siège\n");

    auto result = dossier({"mv", "acme/runbooks/vpn-reset", "acme/runbooks/vpn, siege"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "sites/siege.md") ==
          "---\n"
          "type: site\n"
          "title: Siège # main office\n"
          "related: [\"runbooks/vpn, siege\", \"acme/runbooks/vpn, siege.md\", assets/fw01]\n"
          "owner: jdupont\n"
          "---\n"
          "# Siège\n");
    CHECK(git_output(acme(), {"show", "--format=", "--name-only", "--no-renames", "HEAD"}) ==
          "assets/fw01.md\nrunbooks/vpn, siege.md\nrunbooks/vpn-reset.md\nsites/siege.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv renames and rewrites links in one commit") {
    auto commits_before = commit_count(acme());

    auto result = dossier({"mv", "acme/runbooks/vpn-reset", "acme/procedures/network/vpn-reset"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: moved acme/runbooks/vpn-reset to acme/procedures/network/vpn-reset (commit " +
                            head(acme()).substr(0, 8) + ")\ndossier: updated links or related entries in 1 document\n");
    CHECK_FALSE(fs::exists(acme() / "runbooks/vpn-reset.md"));
    CHECK(read_file(acme() / "procedures/network/vpn-reset.md") ==
          "---\n"
          "type: runbook\n"
          "title: Réinitialiser le VPN du siège\n"
          "owner: jdupont\n"
          "status: approved\n"
          "reviewed: 2026-01-10\n"
          "tags: [vpn, fortigate]\n"
          "---\n"
          "# Réinitialiser le VPN du siège\n"
          "\n"
          "1. Ouvrir la console du pare-feu [fw01](../../assets/fw01.md).\n"
          "2. Prévenir [Jeanne](../../contacts/jeanne-dupont.md#téléphone) avant de relancer le tunnel.\n");
    CHECK(read_file(acme() / "assets/fw01.md") ==
          "---\n"
          "type: asset\n"
          "title: Pare-feu FortiGate du siège\n"
          "owner: jdupont\n"
          "---\n"
          "# Pare-feu\n"
          "\n"
          "Procédure : [réinitialiser le VPN](../procedures/network/vpn-reset.md#étapes \"La procédure\").\n");
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md") == jeanne_document);

    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) ==
          "move runbooks/vpn-reset to procedures/network/vpn-reset\n");
    CHECK(git_output(acme(), {"show", "--format=", "--name-status", "--no-renames", "HEAD"}) ==
          "M\tassets/fw01.md\nA\tprocedures/network/vpn-reset.md\nD\trunbooks/vpn-reset.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv within a folder keeps the moved document's links") {
    auto result = dossier({"mv", "acme/runbooks/vpn-reset", "acme/runbooks/vpn-siege"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-siege.md") == vpn_reset_document);
    CHECK(read_file(acme() / "assets/fw01.md").find("](../runbooks/vpn-siege.md#étapes \"La procédure\")") !=
          std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv rewrites encoded links, not code or URLs") {
    commit_document("acme", "network/Paramètres réseau.md", "---\ntype: note\ntitle: Paramètres réseau\n---\n# VLAN\n");
    std::string index =
        "# Index\n"
        "\n"
        "- [encodé](../network/Param%C3%A8tres%20r%C3%A9seau.md)\n"
        "- [avec ./ et ancre](./../network/Paramètres%20réseau.md#vlan)\n"
        "- ![schéma](../network/Paramètres%20réseau.md \"Le schéma\")\n"
        "- `[code](../network/Paramètres%20réseau.md)`\n"
        "- [site](https://example.com/network/Paramètres%20réseau.md)\n"
        "- [autre](../runbooks/vpn-reset.md)\n"
        "\n"
        "```\n"
        "[bloc](../network/Paramètres%20réseau.md)\n"
        "```\n";
    commit_document("acme", "kb/index.md", index);

    auto result = dossier({"mv", "acme/network/Paramètres réseau", "acme/network/Réseau du siège"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "kb/index.md") ==
          "# Index\n"
          "\n"
          "- [encodé](../network/Réseau%20du%20siège.md)\n"
          "- [avec ./ et ancre](../network/Réseau%20du%20siège.md#vlan)\n"
          "- ![schéma](../network/Réseau%20du%20siège.md \"Le schéma\")\n"
          "- `[code](../network/Paramètres%20réseau.md)`\n"
          "- [site](https://example.com/network/Paramètres%20réseau.md)\n"
          "- [autre](../runbooks/vpn-reset.md)\n"
          "\n"
          "```\n"
          "[bloc](../network/Paramètres%20réseau.md)\n"
          "```\n");
    CHECK(fs::exists(acme() / "network/Réseau du siège.md"));
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv rewrites the moved document's links to itself") {
    commit_document("acme", "kb/faq.md",
                    "# FAQ\n\n## Accès\n\nVoir [plus haut](faq.md#accès) et [l'index](../kb/faq.md).\n");

    auto result = dossier({"mv", "acme/kb/faq", "acme/support/questions"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "support/questions.md") ==
          "# FAQ\n\n## Accès\n\nVoir [plus haut](questions.md#accès) et [l'index](questions.md).\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv into a folder keeps the file name") {
    auto into_existing = dossier({"mv", "acme/runbooks/vpn-reset", "acme/assets"});
    auto into_new = dossier({"mv", "acme/contacts/jeanne-dupont", "acme/people/"});

    CHECK(into_existing.exit_status == 0);
    CHECK(into_existing.err.starts_with("dossier: moved acme/runbooks/vpn-reset to acme/assets/vpn-reset (commit "));
    CHECK(fs::exists(acme() / "assets/vpn-reset.md"));
    CHECK(into_new.exit_status == 0);
    CHECK(fs::exists(acme() / "people/jeanne-dupont.md"));
    CHECK_FALSE(fs::exists(acme() / "people.md"));
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv inside a client folder takes relative references") {
    auto result = dossier_in(acme() / "runbooks", {"mv", "vpn-reset", "vpn-siege"});

    CHECK(result.exit_status == 0);
    CHECK(result.err.starts_with("dossier: moved acme/runbooks/vpn-reset to acme/runbooks/vpn-siege (commit "));
    CHECK(fs::exists(acme() / "runbooks/vpn-siege.md"));
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv changing only case of its own name works") {
    auto result = dossier({"mv", "acme/assets/fw01", "acme/assets/FW01"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"ls-files", "assets"}) == "assets/FW01.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "mv onto an existing document fails") {
    auto head_before = head(acme());

    auto result = dossier({"mv", "acme/assets/fw01", "acme/contacts/jeanne-dupont"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: document already exists: acme/contacts/jeanne-dupont\n"
          "hint: choose another name, or remove that document first with dossier rm\n");
    CHECK(head(acme()) == head_before);
    CHECK(read_file(acme() / "assets/fw01.md") == firewall_document);
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md") == jeanne_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "mv onto a case-only twin fails") {
    auto result = dossier({"mv", "acme/assets/fw01", "acme/contacts/Jeanne-Dupont"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: acme/contacts/Jeanne-Dupont differs from acme/contacts/jeanne-dupont only in case or "
          "accents\nhint: choose a name that differs in more than case or accent encoding\n");
    CHECK(fs::exists(acme() / "assets/fw01.md"));
    CHECK_FALSE(fs::exists(acme() / "contacts/Jeanne-Dupont.md"));
}

TEST_CASE_FIXTURE(ClientSandbox, "mv onto an NFD twin fails") {
    std::string decomposed = "kb/cafe\xCC\x81.md";
    commit_document("acme", decomposed, "---\ntype: note\ntitle: Café\n---\n");

    auto result = dossier({"mv", "acme/assets/fw01", "acme/kb/café"});

    CHECK(result.exit_status == 3);
    // The NFC target names the NFD file already there, so the move finds it taken.
    CHECK(result.err.starts_with("dossier: error: document already exists: acme/kb/cafe\xCC\x81\n"));
    CHECK(fs::exists(acme() / "assets/fw01.md"));
    CHECK_FALSE(fs::exists(acme() / "kb/café.md"));
}

TEST_CASE_FIXTURE(ClientSandbox, "mv to another client is a usage error") {
    REQUIRE(dossier({"client", "add", "Beta"}).exit_status == 0);

    auto result = dossier({"mv", "acme/assets/fw01", "beta/assets/fw01"});

    CHECK(result.exit_status == 2);
    CHECK(result.err.starts_with("dossier: error: cannot move acme/assets/fw01 to another client: beta\n"));
    CHECK(fs::exists(acme() / "assets/fw01.md"));
}

// --- references ------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "references leaving the client repository are usage errors") {
    write_file(workspace() / "secret.md", "secret\n");

    const std::vector<std::vector<std::string>> cases = {
        {"show", "acme/../secret"},
        {"show", "acme/runbooks/../../../secret"},
        {"show", "/etc/passwd"},
        {"show", acme().string() + "/runbooks/vpn-reset"},
        {"show", "acme/.git/config"},
        {"show", "acme/runbooks\\vpn-reset"},
        {"set", "acme/.git/HEAD", "owner=x"},
        {"mv", "acme/assets/fw01", "acme/../beta/fw01"},
        {"mv", "acme/assets/fw01", "acme/.git/fw01"},
        {"rm", "acme/../../ws/secret"},
        {"show", "acme"},
    };
    for (const auto& arguments : cases) {
        CAPTURE(arguments[1]);
        auto result = dossier(arguments);

        CHECK(result.exit_status == 2);
        CHECK(result.out == "");
        CHECK(result.err.starts_with("dossier: error: invalid document reference: "));
    }
    CHECK(fs::exists(acme() / "assets/fw01.md"));
    CHECK(fs::exists(workspace() / "secret.md"));
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "symbolic link out of the client is rejected") {
    write_file(root() / "outside.md", "---\ntitle: outside\n---\n");
    fs::create_directories(acme() / "kb");
    fs::create_symlink(root() / "outside.md", acme() / "kb" / "outside.md");

    auto result = dossier({"show", "--raw", "acme/kb/outside"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(result.err.starts_with("dossier: error: invalid document reference: acme/kb/outside\n"));
}

TEST_CASE_FIXTURE(ClientSandbox, "unknown client suggests the closest one") {
    auto result = dossier({"show", "acm/runbooks/vpn-reset"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: client not found: acm\nhint: did you mean acme?\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "unknown document suggests the closest one") {
    auto result = dossier({"show", "acme/runbook/vpn-reset"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: document not found: acme/runbook/vpn-reset\nhint: did you mean acme/runbooks/vpn-reset?\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "unknown document with no close match points to list") {
    auto result = dossier({"rm", "acme/contracts/maintenance-2026"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: document not found: acme/contracts/maintenance-2026\n"
          "hint: run \"dossier list --client acme\" to see its documents\n");
}

// --- rm and restore --------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "rm commits the removal") {
    auto commits_before = commit_count(acme());

    auto result = dossier({"rm", "acme/contacts/jeanne-dupont"});

    auto short_id = head(acme()).substr(0, 8);
    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: removed acme/contacts/jeanne-dupont (commit " + short_id +
                            "); dossier restore acme/contacts/jeanne-dupont --to " + short_id + "~1 brings it back\n");
    CHECK_FALSE(fs::exists(acme() / "contacts/jeanne-dupont.md"));
    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(git_output(acme(), {"log", "-1", "--format=%an|%s"}) == "Alice Martin|remove contacts/jeanne-dupont\n");
    CHECK(git_output(acme(), {"show", "--format=", "--name-status", "HEAD"}) == "D\tcontacts/jeanne-dupont.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "rm of uncommitted changes changes nothing") {
    write_file(acme() / "kb/draft.md", "---\ntype: note\ntitle: Brouillon\n---\n");
    write_file(acme() / "contacts/jeanne-dupont.md", jeanne_document + "Nouveau numéro.\n");
    auto head_before = head(acme());

    auto untracked = dossier({"rm", "acme/kb/draft"});
    auto modified = dossier({"rm", "acme/contacts/jeanne-dupont"});

    CHECK(untracked.exit_status == 3);
    CHECK(untracked.out == "");
    CHECK(untracked.err ==
          "dossier: error: acme/kb/draft has uncommitted changes: removing it would lose them\n"
          "hint: commit them first (git -C " +
              acme().string() + " commit), or delete the file yourself\n");
    CHECK(fs::exists(acme() / "kb/draft.md"));
    CHECK(modified.exit_status == 3);
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md") == jeanne_document + "Nouveau numéro.\n");
    CHECK(head(acme()) == head_before);
}

TEST_CASE_FIXTURE(ClientSandbox, "restore brings a removed document back as a commit") {
    REQUIRE(dossier({"rm", "acme/contacts/jeanne-dupont"}).exit_status == 0);
    auto removal = head(acme());
    auto commits_before = commit_count(acme());

    auto result = dossier({"restore", "acme/contacts/jeanne-dupont", "--to", "HEAD~1"});

    auto restored_from = git_output(acme(), {"rev-parse", "--short=8", "HEAD~2"});
    restored_from.pop_back();
    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: restored acme/contacts/jeanne-dupont as in " + restored_from + " (commit " +
                            head(acme()).substr(0, 8) + ")\n");
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md") == jeanne_document);
    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(git_output(acme(), {"rev-parse", "HEAD~1"}) == removal + "\n");
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) ==
          "restore contacts/jeanne-dupont from " + restored_from + "\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "restore of an edited document writes the old bytes") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "status=review"}).exit_status == 0);

    auto result = dossier({"restore", "acme/runbooks/vpn-reset", "--to", "HEAD~2"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
    CHECK(commit_count(acme()) == 5);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "restore to the current version commits nothing") {
    auto head_before = head(acme());

    auto result = dossier({"restore", "acme/runbooks/vpn-reset", "--to", "HEAD"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "dossier: acme/runbooks/vpn-reset is already as in HEAD: nothing changed\n");
    CHECK(head(acme()) == head_before);
}

TEST_CASE_FIXTURE(ClientSandbox, "restore from a revision without the document fails") {
    auto result = dossier({"restore", "acme/runbooks/vpn-reset", "--to", "HEAD~1"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: acme/runbooks/vpn-reset does not exist in revision HEAD~1\n"
          "hint: run \"dossier log acme/runbooks/vpn-reset\" to see its revisions\n");
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "restore from an unknown revision fails") {
    auto result = dossier({"restore", "acme/runbooks/vpn-reset", "--to", "nowhere"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: revision not found: nowhere\n"
          "hint: give a commit id, a tag or an expression such as HEAD~1\n");
}

}  // namespace
