// Tests of rewriting relative Markdown links when a document moves.
#include "dossier/links.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

using dossier::percent_decode;
using dossier::rebase_relative_links;
using dossier::rewrite_links_to;

// --- percent_decode --------------------------------------------------------------------

TEST_CASE("percent_decode decodes spaces and UTF-8 bytes") {
    CHECK(percent_decode("Param%C3%A8tres%20r%C3%A9seau.md") == "Paramètres réseau.md");
    CHECK(percent_decode("caf%c3%a9.md") == "café.md");
    CHECK(percent_decode("a%2Fb") == "a/b");
}

TEST_CASE("percent_decode keeps malformed escapes as written") {
    CHECK(percent_decode("100%.md") == "100%.md");
    CHECK(percent_decode("%zz.md") == "%zz.md");
    CHECK(percent_decode("end%2") == "end%2");
    CHECK(percent_decode("end%") == "end%");
    CHECK(percent_decode("") == "");
}

// --- rewrite_links_to ------------------------------------------------------------------

TEST_CASE("rewrite_links_to changes a plain link in the same folder") {
    CHECK(rewrite_links_to("Voir [VPN](vpn-reset.md).\n", "runbooks/index.md", "runbooks/vpn-reset.md",
                           "runbooks/vpn.md") == "Voir [VPN](vpn.md).\n");
}

TEST_CASE("rewrite_links_to follows ./ and ../") {
    std::string text = "[a](./vpn-reset.md) [b](../runbooks/vpn-reset.md) [c](sub/../vpn-reset.md)\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "procedures/vpn.md") ==
          "[a](../procedures/vpn.md) [b](../procedures/vpn.md) [c](../procedures/vpn.md)\n");
}

TEST_CASE("rewrite_links_to works from the client's root folder") {
    CHECK(rewrite_links_to("[a](runbooks/vpn-reset.md)\n", "client.md", "runbooks/vpn-reset.md",
                           "procedures/network/vpn.md") == "[a](procedures/network/vpn.md)\n");
    CHECK(rewrite_links_to("[a](../client.md)\n", "runbooks/vpn-reset.md", "client.md", "about.md") ==
          "[a](../about.md)\n");
}

TEST_CASE("rewrite_links_to matches percent-encoded targets") {
    std::string text =
        "[a](Param%C3%A8tres%20r%C3%A9seau.md)\n"
        "[b](Paramètres%20réseau.md)\n"
        "[c](param%c3%a8tres%20r%c3%a9seau.md)\n";

    CHECK(rewrite_links_to(text, "network/index.md", "network/Paramètres réseau.md", "network/Réseau du siège.md") ==
          "[a](Réseau%20du%20siège.md)\n"
          "[b](Réseau%20du%20siège.md)\n"
          "[c](param%c3%a8tres%20r%c3%a9seau.md)\n");
}

TEST_CASE("rewrite_links_to matches an NFD-encoded target") {
    CHECK(rewrite_links_to("[a](cafe%CC%81.md)\n", "kb/index.md", "kb/café.md", "kb/bar.md") == "[a](bar.md)\n");
}

TEST_CASE("rewrite_links_to escapes characters that would end the link") {
    CHECK(rewrite_links_to("[a](old.md)\n", "kb/index.md", "kb/old.md", "kb/notes (2024) 100%.md") ==
          "[a](notes%20%282024%29%20100%25.md)\n");
}

TEST_CASE("rewrite_links_to keeps anchors and titles") {
    std::string text = "[a](vpn-reset.md#étapes \"La procédure\") [b](vpn-reset.md 'titre') [c](vpn-reset.md#x)\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") ==
          "[a](vpn.md#étapes \"La procédure\") [b](vpn.md 'titre') [c](vpn.md#x)\n");
}

TEST_CASE("rewrite_links_to changes images too") {
    CHECK(rewrite_links_to("![schéma](../attachments/plan.md)\n", "sites/siege.md", "attachments/plan.md",
                           "attachments/plans/siege.md") == "![schéma](../attachments/plans/siege.md)\n");
}

TEST_CASE("rewrite_links_to leaves URLs and anchors alone") {
    std::string text =
        "[a](https://example.com/runbooks/vpn-reset.md)\n"
        "[b](mailto:vpn-reset.md@example.com)\n"
        "[c](/runbooks/vpn-reset.md)\n"
        "[d](#vpn-reset)\n"
        "[e](file:vpn-reset.md)\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") == text);
}

TEST_CASE("rewrite_links_to leaves links to other documents alone") {
    std::string text = "[a](vpn-reset-old.md) [b](../vpn-reset.md) [c](vpn-reset) [d](vpn-reset.md.bak)\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") == text);
}

TEST_CASE("rewrite_links_to leaves code spans and fenced code alone") {
    std::string text =
        "Inline `[a](vpn-reset.md)` and [b](vpn-reset.md).\n"
        "\n"
        "```markdown\n"
        "[c](vpn-reset.md)\n"
        "~~~\n"
        "[d](vpn-reset.md)\n"
        "```\n"
        "\n"
        "~~~~\n"
        "[e](vpn-reset.md)\n"
        "```\n"
        "[f](vpn-reset.md)\n"
        "~~~~\n"
        "\n"
        "   ```\n"
        "[g](vpn-reset.md)\n"
        "   ```\n"
        "[h](vpn-reset.md)\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") ==
          "Inline `[a](vpn-reset.md)` and [b](vpn.md).\n"
          "\n"
          "```markdown\n"
          "[c](vpn-reset.md)\n"
          "~~~\n"
          "[d](vpn-reset.md)\n"
          "```\n"
          "\n"
          "~~~~\n"
          "[e](vpn-reset.md)\n"
          "```\n"
          "[f](vpn-reset.md)\n"
          "~~~~\n"
          "\n"
          "   ```\n"
          "[g](vpn-reset.md)\n"
          "   ```\n"
          "[h](vpn.md)\n");
}

TEST_CASE("rewrite_links_to keeps every other byte, CRLF included") {
    std::string text = "---\r\ntitle: Index\r\n---\r\n# Index\r\n\r\n* [VPN](vpn-reset.md), puis [x](autre.md)\r\nfin";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") ==
          "---\r\ntitle: Index\r\n---\r\n# Index\r\n\r\n* [VPN](vpn.md), puis [x](autre.md)\r\nfin");
}

TEST_CASE("rewrite_links_to ignores brackets that do not form a link") {
    std::string text = "[a] (vpn-reset.md) ](vpn-reset.md [b](vpn-reset.md\n";

    CHECK(rewrite_links_to(text, "runbooks/index.md", "runbooks/vpn-reset.md", "runbooks/vpn.md") ==
          "[a] (vpn-reset.md) ](vpn-reset.md [b](vpn-reset.md\n");
}

// --- rebase_relative_links -------------------------------------------------------------

TEST_CASE("rebase_relative_links changes nothing within one folder") {
    std::string text = "[a](../assets/fw01.md) [b](voisin.md)\n";

    CHECK(rebase_relative_links(text, "runbooks/vpn-reset.md", "runbooks/vpn.md") == text);
}

TEST_CASE("rebase_relative_links follows a move to a deeper folder") {
    CHECK(rebase_relative_links("[a](../assets/fw01.md) [b](voisin.md) [c](./sub/x.md)\n", "runbooks/vpn-reset.md",
                                "procedures/network/vpn.md") ==
          "[a](../../assets/fw01.md) [b](../../runbooks/voisin.md) [c](../../runbooks/sub/x.md)\n");
}

TEST_CASE("rebase_relative_links follows a move to the client's root folder") {
    CHECK(rebase_relative_links("[a](../assets/fw01.md) [b](voisin.md)\n", "runbooks/vpn-reset.md", "vpn.md") ==
          "[a](assets/fw01.md) [b](runbooks/voisin.md)\n");
    CHECK(rebase_relative_links("[a](assets/fw01.md)\n", "vpn.md", "runbooks/vpn.md") == "[a](../assets/fw01.md)\n");
}

TEST_CASE("rebase_relative_links keeps anchors, titles and encoded names") {
    CHECK(
        rebase_relative_links("[a](../contacts/jeanne.md#téléphone \"Jeanne\") [b](Param%C3%A8tres%20r%C3%A9seau.md)\n",
                              "runbooks/vpn-reset.md", "procedures/network/vpn.md") ==
        "[a](../../contacts/jeanne.md#téléphone \"Jeanne\") [b](../../runbooks/Paramètres%20réseau.md)\n");
}

TEST_CASE("rebase_relative_links leaves URLs, anchors and code alone") {
    std::string text =
        "[a](https://example.com/x.md) [b](#local) [c](/abs.md) `[d](x.md)`\n"
        "```\n"
        "[e](x.md)\n"
        "```\n";

    CHECK(rebase_relative_links(text, "runbooks/vpn-reset.md", "procedures/network/vpn.md") == text);
}

}  // namespace

// --- angle brackets and reference definitions ------------------------------------------

TEST_CASE("rewrite_links_to keeps angle brackets around a target") {
    CHECK(rewrite_links_to("See [the FW](<fw.md> \"title\").\n", "rb.md", "fw.md", "assets/fw.md") ==
          "See [the FW](<assets/fw.md> \"title\").\n");
}

TEST_CASE("rewrite_links_to changes reference definitions") {
    CHECK(rewrite_links_to("See [ref][r].\n\n[r]: fw.md \"The firewall\"\n", "rb.md", "fw.md", "assets/fw.md") ==
          "See [ref][r].\n\n[r]: assets/fw.md \"The firewall\"\n");
    CHECK(rewrite_links_to("  [r]: <fw.md>\n", "rb.md", "fw.md", "assets/fw.md") == "  [r]: <assets/fw.md>\n");
    CHECK(rewrite_links_to("[r]: other.md\n", "rb.md", "fw.md", "assets/fw.md") == "[r]: other.md\n");
}

TEST_CASE("rebase_relative_links rebases definitions and angle targets") {
    CHECK(rebase_relative_links("[a](<fw.md>)\n[r]: fw.md\n", "rb.md", "runbooks/rb.md") ==
          "[a](<../fw.md>)\n[r]: ../fw.md\n");
}
