// Tests of the rules about what documents contain: plaintext-secret, personal-data, file-name,
// ambiguous-yaml and stale-recipients.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dossier/age.hpp"
#include "dossier/credential.hpp"
#include "rule_fixture.hpp"

namespace {

using dossier::test::RuleFixture;

// Fake secrets, assembled here so that no scanner reads a whole one in this file.
const std::string aws_key = std::string("AK") + "IA" + "UJZDE8GXD6NCF10E";
const std::string github_token = std::string("gh") + "p_" + "pfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0Rlg";
const std::string random_base64 = std::string("+xHKas1VOqg6YYZYn9Zh") + "yiA4uoRgnatmUdjAWtGS";
const std::string random_hex = std::string("bf33feff9243a8f506b4") + "0928b5b7a767c76fb008";

const std::string age_block =
    "-----BEGIN AGE ENCRYPTED FILE-----\n"
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBvdGhlcgo=\n"
    "-----END AGE ENCRYPTED FILE-----\n";

// Returns a document of type kb whose body is `body`.
std::string kb(const std::string& body, const std::string& extra_fields = {}) {
    return "---\ntype: kb\ntitle: Notes\n" + extra_fields + "---\n" + body;
}

// Returns the findings of `rule` for a kb document with `body` in client acme.
std::vector<dossier::Finding> check_body(const std::string& body, std::string_view rule,
                                         const std::string& extra_fields = {}) {
    RuleFixture fixture;
    fixture.write("clients/acme/kb/notes.md", kb(body, extra_fields));
    return fixture.check("clients/acme/kb/notes.md", rule);
}

// --- plaintext-secret ------------------------------------------------------------------

TEST_CASE("private key with its material is reported") {
    auto findings = check_body("# Key\n\n```\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA" + random_base64 +
                                   "\n-----END RSA PRIVATE KEY-----\n```\n",
                               "plaintext-secret");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 8);
    CHECK(findings[0].column == 1);
    CHECK(findings[0].message.starts_with("private key in clear text: "));
}

TEST_CASE("private key header without material is not reported") {
    CHECK(check_body("The file starts with -----BEGIN OPENSSH PRIVATE KEY----- and ends with its END line.\n",
                     "plaintext-secret")
              .empty());
}

TEST_CASE("provider tokens are reported by kind") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {aws_key, "AWS access key ID"},
        {github_token, "GitHub token"},
        {std::string("github_") + "pat_11ABCDEFG0" + "pfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0Rlg", "GitHub token"},
        {std::string("glpat-") + "xHKas1VOqg6YYZYn9Zhy", "GitLab token"},
        {std::string("xoxb-") + "1234567890-" + "pfJBd0Kh8oOOL8dK", "Slack token"},
        {std::string("sk_") + "live_" + "pfJBd0Kh8oOOL8dKLzdocJ2i", "Stripe secret key"},
        {std::string("AI") + "za" + "SyD4uoRgnatmUdjAWtGSpfJBd0Kh8oOOL8d", "Google API key"},
        {std::string("sk-") + "proj-" + "LKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkW", "OpenAI API key"},
        {std::string("sk-") + "ant-api03-" + "LKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkW", "Anthropic API key"},
        {std::string("ey") + "JhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dozjgNryP4J3jVmNHl0w5N",
         "JSON Web Token"},
        {std::string("AGE-SECRET-") + "KEY-1" + "VJ50CE9UVW53EFR4EDT2SYWB3WKH5DNSIPZZ5FK2Z9RI19R0WYOJFLJOOA",
         "age secret key"},
    };
    for (const auto& [token, kind] : cases) {
        CAPTURE(kind);
        auto findings = check_body("Pour l'API : utiliser " + token + " dans l'en-tête.\n", "plaintext-secret");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].column == 23);
        CHECK(findings[0].message.starts_with(kind + " in clear text: "));
        CHECK(findings[0].message.find(token) == std::string::npos);
    }
}

TEST_CASE("sample tokens are not reported") {
    CHECK(check_body(std::string("key id: AK") + "IAIOSFODNN7EXAMPLE\n" + "token gh" + "p_" + std::string(36, 'x') +
                         "\nGet-Help sk-this-is-a-long-hyphenated-identifier-name\n",
                     "plaintext-secret")
              .empty());
}

TEST_CASE("password lines are reported") {
    const std::vector<std::pair<std::string, int>> lines = {
        {"Password: hunter2", 11},
        {"**Password:** Sup3r-S3cret!", 15},
        {"- mot de passe : Azerty123", 18},
        {"Mot de passe\xC2\xA0: Azerty123", 16},
        {"Clé WPA : Wifi-Invites-2024", 11},
        {"mysql --user=root --password=hunter2 db", 30},
        {"Server=sql01;User Id=sa;Pwd=Tr0ub4dor;", 29},
        {"export DB_PASSWORD=hunter2", 20},
        {"  \"client_secret\": \"s3cr3t-value\",", 21},
        {"Password: changeme", 11},
        {"| Password | hunter2 |", 14},
    };
    for (const auto& [line, column] : lines) {
        CAPTURE(line);
        auto findings = check_body(line + "\n", "plaintext-secret");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].line == 5);
        CHECK(findings[0].column == column);
        CHECK(findings[0].message.starts_with("value of "));
    }
}

TEST_CASE("placeholders and prose are not passwords") {
    for (std::string line : {"Password: <password>",
                             "Password: ***",
                             "password: ********",
                             "pwd=${DB_PASSWORD}",
                             "password: {{ vault_password }}",
                             "Password: xxx",
                             "Password:",
                             "Password: n/a",
                             "Password: see the vault",
                             "mot de passe : voir le coffre",
                             "$password = $env:DB_PW",
                             "$Password = Read-Host -AsSecureString",
                             "password = getpass()",
                             "Password: https://vault.example.com/item/12",
                             "Password: your-password",
                             "Passwords: rotate every 90 days",
                             "Password policy: 12 characters",
                             "password_hash=abc123",
                             "| Password | Owner |\n|---|---|",
                             "Le secret: voir KeePass",
                             "- **Password:** BitLocker uses a password.",
                             "Password            : System.Security.SecureString",
                             "token=value&token=value\xE2\x80\xA6",
                             "password=password"}) {
        CAPTURE(line);
        CHECK(check_body(line + "\n", "plaintext-secret").empty());
    }
}

TEST_CASE("random strings next to a secret word are reported") {
    auto findings =
        check_body("API token: `" + random_base64 + "`\nrefresh token " + random_hex + "\n" + "Build " + random_base64 +
                       " of the installer\n" + "token for 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n" +
                       "Token-Signing certificate with the thumbprint " + random_hex + "\n" +
                       "Version=4.0.0.0, PublicKeyToken=b77a5c561934e089\n",
                   "plaintext-secret");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].line == 5);
    CHECK(findings[0].column == 13);
    CHECK(findings[1].line == 6);
    CHECK(findings[1].message.starts_with("random-looking string next to a secret word in clear text: "));
}

TEST_CASE("secrets inside the age block are not reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/credentials/fw01.md",
                  "---\ntype: credential\ntitle: FW01\n---\n" + std::string("-----BEGIN AGE ENCRYPTED FILE-----\n") +
                      github_token + "\nPassword: hunter2\n" + "-----END AGE ENCRYPTED FILE-----\n");

    CHECK(fixture.check("clients/acme/credentials/fw01.md", "plaintext-secret").empty());
}

TEST_CASE("secret fields of the front matter are reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/credentials/fw01.md",
                  "---\ntype: credential\ntitle: FW01\npassword: hunter2\nadmin:\n  api-key: " + random_hex +
                      "\nrecipients: sha256:" + std::string(64, 'a') + "\ntoken: <token>\nsecret: ''\n---\n");

    auto findings = fixture.check("clients/acme/credentials/fw01.md", "plaintext-secret");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].line == 4);
    CHECK(findings[0].column == 11);
    CHECK(findings[0].field == "password");
    CHECK(findings[0].message.starts_with("value of password in clear text"));
    CHECK(findings[1].line == 6);
    CHECK(findings[1].field == "api-key");
}

// --- personal-data ---------------------------------------------------------------------

TEST_CASE("IBAN with valid check digits is reported") {
    auto findings = check_body("RIB : FR76 3000 6000 0112 3456 7890 189\nDE89370400440532013000\n", "personal-data");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].column == 7);
    CHECK(findings[0].message ==
          "IBAN in a document without confidentiality, which counts as internal: mark it confidential or "
          "restricted, or remove the number");
    CHECK(findings[1].line == 6);
}

TEST_CASE("IBAN with invalid check digits is not reported") {
    CHECK(check_body("FR77 3000 6000 0112 3456 7890 189\nDE89370400440532013001\nXX89370400440532013000\n",
                     "personal-data")
              .empty());
}

TEST_CASE("card numbers need Luhn and a known issuer") {
    auto findings = check_body(
        "Visa 4111 1111 1111 1111, Amex 3782-822463-10005, MC 5555555555554444\n"
        "bad Luhn 4111 1111 1111 1112, unknown issuer 9999 9999 9999 9995, too short 4111 1111 1111\n"
        "file id 4415226383517\n",
        "personal-data");
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].column == 6);
    CHECK(findings[0].message.starts_with("payment card number in a document"));
    CHECK(findings[1].column == 32);
    CHECK(findings[2].column == 54);
}

TEST_CASE("French NIR key is checked, Corsica included") {
    auto findings = check_body(
        "NIR 1 85 05 78 006 084 91\nNIR 185057800608491\nCorse 2 90 03 2A 004 123 20\n"
        "mauvaise clé 1 85 05 78 006 084 92\n",
        "personal-data");
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].message.starts_with("French social security number (NIR) in a document"));
    CHECK(findings[2].line == 7);
}

TEST_CASE("US SSN excludes ranges never issued") {
    auto findings = check_body(
        "SSN 536-22-1234\n000-12-3456 666-12-3456 900-12-3456 536-00-1234 536-22-0000 123-45-6789\n", "personal-data");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].column == 5);
    CHECK(findings[0].message.starts_with("US social security number in a document"));
}

TEST_CASE("numbers in URLs and words are not personal data") {
    CHECK(check_body("https://example.com/pay/4111111111111111 [x](https://e.com/FR7630006000011234567890189)\n"
                     "ref-4111111111111111 X4111111111111111 build 4111111111111111.2 id536-22-1234\n",
                     "personal-data")
              .empty());
}

TEST_CASE("confidential documents may hold personal data") {
    CHECK(check_body("IBAN FR76 3000 6000 0112 3456 7890 189\n", "personal-data", "confidentiality: confidential\n")
              .empty());
    auto findings =
        check_body("IBAN FR76 3000 6000 0112 3456 7890 189\n", "personal-data", "confidentiality: public\n");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "IBAN in a document whose confidentiality is public: mark it confidential or restricted, or remove the "
          "number");
}

// --- file-name -------------------------------------------------------------------------

TEST_CASE("file names must be lower-case slugs") {
    RuleFixture fixture;
    for (std::string name : {"VPN Reset.md", "double--hyphen.md", "Société.md", "v1.2-notes.md", "-lead.md",
                             "ok-name.md", "README.md", "notes.MD"}) {
        fixture.write("clients/acme/kb/" + name, "# x\n");
    }
    auto message = [&](const std::string& name) {
        auto findings = fixture.check("clients/acme/kb/" + name, "file-name");
        return findings.empty() ? std::string() : findings[0].message;
    };
    CHECK(message("VPN Reset.md") ==
          "file name is not a lower-case slug: VPN Reset.md: rename it to vpn-reset.md with "
          "dossier mv");
    CHECK(message("double--hyphen.md").ends_with("rename it to double-hyphen.md with dossier mv"));
    CHECK(message("Société.md").ends_with("rename it to societe.md with dossier mv"));
    CHECK(message("v1.2-notes.md").ends_with("rename it to v1-2-notes.md with dossier mv"));
    CHECK(message("-lead.md").ends_with("rename it to lead.md with dossier mv"));
    CHECK(message("notes.MD").ends_with("rename it to notes.md with dossier mv"));
    CHECK(message("ok-name.md").empty());
    CHECK(message("README.md").empty());
}

// --- ambiguous-yaml --------------------------------------------------------------------

TEST_CASE("values that YAML readers type differently are reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/kb/site.md",
                  "---\ntype: kb\ntitle: 2024-01-15\ncountry: NO\nversion: 1.10\nzip: 01234\nduration: 1:30\n"
                  "tags: [vpn, yes]\nserial: 12345678901234567890\nquoted: \"NO\"\nplain: on hold\nlimit: 10\n"
                  "ratio: 0.5\nenabled: true\nreviewed: 2024-01-15\n---\n");

    auto findings = fixture.check("clients/acme/kb/site.md", "ambiguous-yaml");
    REQUIRE(findings.size() == 7);
    CHECK(findings[0].field == "title");
    CHECK(findings[0].message ==
          "title: 2024-01-15 is read as a date by most YAML readers, but the schema wants text: write it quoted, "
          "\"2024-01-15\"");
    CHECK(findings[1].line == 4);
    CHECK(findings[1].column == 10);
    CHECK(findings[1].message ==
          "country: NO is read as a boolean by YAML 1.1 readers such as PyYAML: write it quoted, \"NO\"");
    CHECK(findings[2].message == "version: 1.10 is read as a number that loses digits: write it quoted, \"1.10\"");
    CHECK(findings[3].message ==
          "zip: 01234 is read as a number without its leading zero (an octal number in YAML 1.1): write it "
          "quoted, \"01234\"");
    CHECK(findings[4].message ==
          "duration: 1:30 is read as a number by YAML 1.1 readers such as PyYAML: write it quoted, \"1:30\"");
    CHECK(findings[5].field == "tags");
    CHECK(findings[5].column == 13);
    CHECK(findings[6].field == "serial");
}

TEST_CASE("schema types decide what is intended") {
    RuleFixture fixture;
    fixture.write("clients/acme/credentials/fw01.md",
                  "---\ntype: credential\ntitle: FW01\notp: yes\nrotated: 2024-01-15\n---\n");

    CHECK(fixture.check("clients/acme/credentials/fw01.md", "ambiguous-yaml").empty());
}

// --- stale-recipients ------------------------------------------------------------------

// A client whose root recipients file lists one new key. check() writes a credential whose
// front matter ends with `digest_line`, and returns its stale-recipients findings.
struct SealedClient {
    RuleFixture fixture;
    std::string digest;

    SealedClient() {
        auto recipient = dossier::age::X25519Identity::generate().recipient();
        fixture.write("clients/acme/.age-recipients", "# jdupont\n" + recipient.to_string() + "\n");
        std::vector<dossier::age::X25519Recipient> recipients{recipient};
        digest = dossier::recipients_digest(recipients);
    }

    std::vector<dossier::Finding> check(const std::string& digest_line) {
        fixture.write("clients/acme/credentials/fw01.md",
                      "---\ntype: credential\ntitle: FW01\n" + digest_line + "---\n\n" + age_block);
        return fixture.check("clients/acme/credentials/fw01.md", "stale-recipients");
    }
};

TEST_CASE("secret encrypted to the current recipients is not reported") {
    SealedClient client;
    CHECK(client.check("recipients: " + client.digest + "\n").empty());
}

TEST_CASE("secret with another recipients digest is reported") {
    SealedClient client;
    auto findings = client.check("recipients: sha256:" + std::string(64, '0') + "\n");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 4);
    CHECK(findings[0].column == 13);
    CHECK(findings[0].field == "recipients");
    CHECK(findings[0].message ==
          "the secret is not encrypted to the current recipients of .age-recipients: encrypt it again with dossier "
          "secret edit acme/credentials/fw01, or every such secret of the client with dossier access grant");
}

TEST_CASE("secret without recipients digest is reported") {
    SealedClient client;
    auto findings = client.check("");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 6);
    CHECK(findings[0].message.starts_with("the secret has no recipients digest"));
}

TEST_CASE("changed recipients file makes the secret stale") {
    SealedClient client;
    REQUIRE(client.check("recipients: " + client.digest + "\n").empty());

    auto other = dossier::age::X25519Identity::generate().recipient();
    client.fixture.write("clients/acme/credentials/.age-recipients", other.to_string() + "\n");
    auto findings = client.check("recipients: " + client.digest + "\n");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("recipients of credentials/.age-recipients") != std::string::npos);
}

TEST_CASE("secret without recipients file is reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/credentials/fw01.md", "---\ntype: credential\ntitle: FW01\nrecipients: sha256:" +
                                                          std::string(64, '0') + "\n---\n\n" + age_block);

    auto findings = fixture.check("clients/acme/credentials/fw01.md", "stale-recipients");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "no .age-recipients file in the folders of this secret: grant access with dossier access grant "
          "TECHNICIAN --client acme");
}

TEST_CASE("age block without END line is a syntax finding") {
    RuleFixture fixture;
    fixture.write("clients/acme/credentials/fw01.md",
                  "---\ntype: credential\ntitle: FW01\n---\n\n-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n");

    auto findings = fixture.check("clients/acme/credentials/fw01.md", "syntax");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 6);
    CHECK(findings[0].message == "the age block has no END line");
}

}  // namespace

// --- conflict-marker --------------------------------------------------------------------

TEST_CASE("conflict markers left by a merge are reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/vpn.md",
                  "---\ntype: runbook\ntitle: VPN\n---\n# VPN\n\n<<<<<<< ours\n1. Ouvrir la console web.\n=======\n"
                  "1. Ouvrir la console en SSH.\n>>>>>>> theirs\n");

    auto findings = fixture.check("clients/acme/runbooks/vpn.md", "conflict-marker");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 7);
    CHECK(findings[0].severity == dossier::Severity::error);
    CHECK(findings[0].message.find("lines 7 to 11") != std::string::npos);
}

TEST_CASE("heading underlines and fenced markers are not conflicts") {
    RuleFixture fixture;
    fixture.write("clients/acme/kb/git.md",
                  "---\ntype: kb\ntitle: Git\n---\nGit conflicts\n=======\n\n```\n<<<<<<< HEAD\nours\n=======\n"
                  "theirs\n>>>>>>> main\n```\n");

    CHECK(fixture.check("clients/acme/kb/git.md", "conflict-marker").empty());
}
