// End-to-end tests of shell completion: the scripts that "dossier completion" prints, loaded in
// real bash, fish and zsh, completing command lines in a sandbox workspace.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::ProcessResult;

// A list of candidates or words, shown as {"acme", "globex"} when a check fails.
struct Lines : std::vector<std::string> {
    using std::vector<std::string>::vector;
};

std::ostream& operator<<(std::ostream& out, const Lines& lines) {
    out << "{";
    for (std::size_t i = 0; i < lines.size(); ++i) out << (i == 0 ? "\"" : ", \"") << lines[i] << "\"";
    return out << "}";
}

// Completes the words after the script's path as bash does with the cursor at the end of the
// last word, then prints COMPREPLY, one candidate per line.
const std::string bash_driver = R"sh(source "$1" || exit 1
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_dossier "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
(( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
exit 0
)sh";

// Runs an interactive zsh in a pseudo-terminal with _dossier in $fpath, types LINE and a TAB,
// and writes each candidate that the completion system adds to OUTPUT as "match:CANDIDATE",
// then "done" once completion has finished. Usage: zsh driver.zsh SCRIPT_DIR OUTPUT LINE
const std::string zsh_driver = R"sh(zmodload zsh/zpty || exit 1
script_dir=$1 output=$2 line=$3
setup=${output}.setup
cat > $setup <<SETUP
fpath=(${(q)script_dir} \$fpath)
autoload -Uz compinit && compinit -u -D
# Record the matches of every call that adds them; calls that only compute matches
# (-O, -A, -D) go straight to the builtin.
compadd() {
    if (( \${@[(I)-[OAD]*]} )); then
        builtin compadd "\$@"
        return
    fi
    local -a added
    builtin compadd -O added "\$@"
    print -rl -- match:\${^added} >> ${(q)output}
    builtin compadd "\$@"
}
_record_done() { print -r -- done >> ${(q)output} }
comppostfuncs=(_record_done)
SETUP
zpty shell 'zsh -f -i'
zpty -w shell "source ${(q)setup}"
zpty -w -n shell "$line"$'\t'
for attempt in {1..150}; do
    zpty -r -t shell chunk 2>/dev/null
    [[ -f $output ]] && grep -qx done $output && break
    sleep 0.1
done
zpty -d shell
grep -qx done $output 2>/dev/null || { print -u2 "zsh did not finish completing: $line"; exit 1 }
exit 0
)sh";

Lines sorted_lines(const std::string& text) {
    Lines lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

// Returns the words of `line` split at spaces, with an empty last word when it ends with one.
Lines words_of(const std::string& line) {
    Lines words;
    std::size_t start = 0;
    for (auto space = line.find(' '); space != std::string::npos; space = line.find(' ', start)) {
        words.push_back(line.substr(start, space - start));
        start = space + 1;
    }
    words.push_back(line.substr(start));
    return words;
}

bool contains(const Lines& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// A workspace with the clients acme (three documents and client.md) and globex, the three
// completion scripts written by the binary under test, and that binary first on PATH.
class CompletionSandbox : public ClientSandbox {
public:
    CompletionSandbox() {
        REQUIRE(add_client("Globex") == "globex");
        environment["PATH"] = fs::path(DOSSIER_BINARY).parent_path().string() + ":" + environment["PATH"];
        write_script("bash", "dossier.bash");
        write_script("zsh", "_dossier");
        write_script("fish", "dossier.fish");
        write_file(scripts() / "driver.bash", bash_driver);
        write_file(scripts() / "driver.zsh", zsh_driver);
    }

    fs::path scripts() const { return root() / "completions"; }

    // Returns the candidates of the bash script for `words`, the last being completed, sorted.
    Lines bash(const Lines& words, const fs::path& directory = {}) const {
        require_shell("bash");
        Lines command{"bash", "--norc", "--noprofile", (scripts() / "driver.bash").string(),
                      (scripts() / "dossier.bash").string()};
        command.insert(command.end(), words.begin(), words.end());
        return candidates(run(command, directory), "bash");
    }
    Lines bash(const std::string& line, const fs::path& directory = {}) const {
        return bash(words_of(line), directory);
    }

    // Returns the lines "CANDIDATE<tab>DESCRIPTION" that fish offers at the end of `line`, sorted.
    Lines fish(const std::string& line) const {
        require_shell("fish");
        return candidates(run({"fish", "--no-config", "-c", "source $argv[1]; and complete -C $argv[2]",
                               (scripts() / "dossier.fish").string(), line}),
                          "fish");
    }

    // Returns the candidates of fish without their descriptions.
    Lines fish_names(const std::string& line) const {
        Lines names;
        for (const auto& candidate : fish(line)) names.push_back(candidate.substr(0, candidate.find('\t')));
        return names;
    }

    // Returns the matches that zsh's completion system adds when TAB is pressed after `line`, sorted.
    Lines zsh(const std::string& line) const {
        require_shell("zsh");
        auto output = root() / ("zsh-" + std::to_string(++zsh_runs_) + ".out");
        auto environment_for_zsh = environment;
        environment_for_zsh["TERM"] = "xterm";
        auto result = dossier::e2e::run_process(
            {"zsh", "-f", (scripts() / "driver.zsh").string(), scripts().string(), output.string(), line},
            environment_for_zsh, workspace());
        INFO("zsh: ", result.err);
        REQUIRE(result.exit_status == 0);
        Lines matches;
        for (const auto& recorded : sorted_lines(read_file(output))) {
            if (recorded.starts_with("match:")) matches.push_back(recorded.substr(6));
        }
        return matches;
    }

private:
    mutable int zsh_runs_ = 0;

    void write_script(const std::string& shell, const std::string& file) {
        auto result = dossier({"completion", shell});
        INFO("dossier completion ", shell, ": ", result.err);
        REQUIRE(result.exit_status == 0);
        write_file(scripts() / file, result.out);
    }

    static void require_shell(const std::string& shell) {
        INFO(shell, " is missing: scripts/install-deps installs it");
        REQUIRE(fs::exists(fs::path("/usr/bin") / shell));
    }

    ProcessResult run(const Lines& command, const fs::path& directory = {}) const {
        return dossier::e2e::run_process(command, environment, directory.empty() ? workspace() : directory);
    }

    static Lines candidates(const ProcessResult& result, const std::string& shell) {
        INFO(shell, " failed: ", result.err);
        CHECK(result.exit_status == 0);
        CHECK(result.err == "");
        return sorted_lines(result.out);
    }
};

const Lines acme_references{"acme/assets/fw01", "acme/client", "acme/contacts/jeanne-dupont",
                            "acme/runbooks/vpn-reset"};

// --- the generated scripts ---------------------------------------------------------------

TEST_CASE_FIXTURE(CompletionSandbox, "completion rejects an unknown shell") {
    auto result = dossier({"completion", "tcsh"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(result.err.find("tcsh") != std::string::npos);
}

TEST_CASE_FIXTURE(CompletionSandbox, "completion scripts list every visible command") {
    auto help = dossier({"--help"});
    REQUIRE(help.exit_status == 0);
    auto commands_section = help.out.substr(help.out.find("Subcommands:"));
    Lines listed;
    std::istringstream stream(commands_section);
    std::string line;
    std::getline(stream, line);
    while (std::getline(stream, line) && line.starts_with("  ")) {
        listed.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    std::sort(listed.begin(), listed.end());
    REQUIRE(listed.size() > 10);

    CHECK(bash("dossier ") == listed);
    CHECK(fish_names("dossier ") == listed);
    CHECK_FALSE(contains(listed, "__complete"));
}

TEST_CASE_FIXTURE(CompletionSandbox, "completion scripts hold English descriptions") {
    auto english = dossier({"--lang", "en", "completion", "fish"});
    auto french = dossier({"--lang", "fr", "completion", "fish"});

    CHECK(english.out.find("show\\t'Show a document, rendered for the terminal'") != std::string::npos);
    CHECK(french.out != english.out);
}

// --- __complete ----------------------------------------------------------------------------

TEST_CASE_FIXTURE(CompletionSandbox, "__complete lists clients, types and references") {
    CHECK(dossier({"__complete", "clients"}).out == "acme\nglobex\n");
    CHECK(dossier({"__complete", "clients", "gl"}).out == "globex\n");
    CHECK(dossier({"__complete", "references", "acme/"}).out ==
          "acme/assets/fw01\nacme/client\nacme/contacts/jeanne-dupont\nacme/runbooks/vpn-reset\n");
    CHECK(dossier({"__complete", "references", "acme/run"}).out == "acme/runbooks/vpn-reset\n");
    CHECK(dossier({"__complete", "references"}).out == "acme/\nglobex/\n");
    CHECK(dossier({"__complete", "references", "ac"}).out ==
          "acme/assets/fw01\nacme/client\nacme/contacts/jeanne-dupont\nacme/runbooks/vpn-reset\n");
    CHECK(dossier({"__complete", "references", "nobody/"}).out == "");

    auto types = sorted_lines(dossier({"__complete", "types"}).out);
    CHECK(contains(types, "runbook"));
    CHECK(contains(types, "asset"));
    CHECK(dossier({"__complete", "types", "runb"}).out == "runbook\n");
}

TEST_CASE_FIXTURE(CompletionSandbox, "__complete lists paths relative to a client folder") {
    auto result = dossier_in(acme() / "runbooks", {"__complete", "references", "vpn"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "vpn-reset\n");
}

TEST_CASE_FIXTURE(CompletionSandbox, "__complete outside a workspace lists only types") {
    for (const std::string kind : {"clients", "references"}) {
        auto result = dossier_in(home(), {"__complete", kind});
        CHECK(result.exit_status == 0);
        CHECK(result.out == "");
        CHECK(result.err == "");
    }

    // The built-in types, which "dossier type show" describes outside a workspace too.
    auto types = dossier_in(home(), {"__complete", "types", "runb"});
    CHECK(types.exit_status == 0);
    CHECK(types.out == "runbook\n");
}

TEST_CASE_FIXTURE(CompletionSandbox, "__complete honours -C") {
    auto result = dossier_in(home(), {"-C", workspace().string(), "__complete", "clients"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "acme\nglobex\n");
}

TEST_CASE_FIXTURE(CompletionSandbox, "__complete stays out of help and suggestions") {
    auto help = dossier({"--help"});
    auto typo = dossier({"complete"});

    CHECK(help.out.find("__complete") == std::string::npos);
    CHECK(typo.exit_status == 2);
    CHECK(typo.err.find("__complete") == std::string::npos);
}

// --- bash ----------------------------------------------------------------------------------

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes commands") {
    CHECK(bash("dossier sh") == Lines{"show"});
    CHECK(bash("dossier c") == Lines{"check", "client", "clone", "completion"});
    CHECK(bash("dossier type ") == Lines{"show"});
    CHECK(bash("dossier client ") == Lines{"add", "list"});
    CHECK(bash("dossier __") == Lines{});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes references") {
    CHECK(bash("dossier show ac") == acme_references);
    CHECK(bash("dossier show ") == Lines{"acme/", "globex/"});
    CHECK(bash("dossier show acme/run") == Lines{"acme/runbooks/vpn-reset"});
    CHECK(bash("dossier mv acme/runbooks/vpn-reset acme/con") == Lines{"acme/contacts/jeanne-dupont"});
    CHECK(bash("dossier show acme/runbooks/vpn-reset ") == Lines{});
    CHECK(bash("dossier show --rev ") == Lines{});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes client slugs") {
    CHECK(bash("dossier list --client ") == Lines{"acme", "globex"});
    CHECK(bash("dossier list --client g") == Lines{"globex"});
    CHECK(bash(Lines{"dossier", "list", "--client", "=", "a"}) == Lines{"acme"});
    CHECK(bash("dossier list --json --client ") == Lines{"acme", "globex"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes types") {
    auto types = bash("dossier type show ");
    CHECK(types == sorted_lines(dossier({"__complete", "types"}).out));
    CHECK(contains(types, "runbook"));
    CHECK(bash("dossier type show runb") == Lines{"runbook"});
    CHECK(bash("dossier list --type runb") == Lines{"runbook"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes the options of a subcommand") {
    CHECK(bash("dossier list -") == Lines{"--cached", "--client", "--help", "--help-all", "--json", "--owner", "--tag", "--type",
                                        "--where", "-h"});
    CHECK(bash("dossier type show --s") == Lines{"--schema"});
    CHECK(bash("dossier --l") == Lines{"--lang"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash completes fixed values and files") {
    CHECK(bash("dossier --lang ") == Lines{"en", "fr"});
    CHECK(bash("dossier completion ") == Lines{"bash", "fish", "zsh"});
    CHECK(bash("dossier check dossier.y") == Lines{"dossier.yaml"});
    CHECK(bash("dossier -C cl") == Lines{"clients"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "bash passes -C on to __complete") {
    CHECK(bash("dossier -C ws show ac", root()) == acme_references);
    CHECK(bash("dossier show ac", root()) == Lines{});
    CHECK(bash("dossier list -C ws --client ", root()) == Lines{"acme", "globex"});
}

// --- fish ----------------------------------------------------------------------------------

TEST_CASE_FIXTURE(CompletionSandbox, "fish completes commands with descriptions") {
    CHECK(fish("dossier sh") == Lines{"show\tShow a document, rendered for the terminal"});
    CHECK(fish_names("dossier type ") == Lines{"show"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "fish completes references, clients and types") {
    CHECK(fish_names("dossier show ac") == acme_references);
    CHECK(fish_names("dossier show acme/run") == Lines{"acme/runbooks/vpn-reset"});
    CHECK(fish_names("dossier list --client ") == Lines{"acme", "globex"});
    CHECK(fish_names("dossier list --client=g") == Lines{"--client=globex"});
    CHECK(contains(fish_names("dossier type show "), "runbook"));
    CHECK(fish_names("dossier type show runb") == Lines{"runbook"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "fish completes the options of a subcommand") {
    auto options = fish("dossier list -");

    CHECK(contains(options, "--client\tOnly the documents of this client (its slug)"));
    CHECK(contains(options, "--json\tPrint a JSON array (see docs/en/json-output.md)"));
    CHECK_FALSE(contains(fish_names("dossier list -"), "--schema"));
    CHECK(fish_names("dossier --lang ") == Lines{"en", "fr"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "fish passes -C on to __complete") {
    CHECK(fish_names("dossier -C " + workspace().string() + " list --client ") == Lines{"acme", "globex"});
}

// --- zsh -----------------------------------------------------------------------------------

TEST_CASE_FIXTURE(CompletionSandbox, "zsh completes commands") {
    CHECK(zsh("dossier sh") == Lines{"show"});
    CHECK(zsh("dossier type ") == Lines{"show"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "zsh completes references, clients and types") {
    CHECK(zsh("dossier show ac") == acme_references);
    CHECK(zsh("dossier list --client ") == Lines{"acme", "globex"});
    CHECK(zsh("dossier list --client=g") == Lines{"globex"});
    CHECK(zsh("dossier type show runb") == Lines{"runbook"});
}

TEST_CASE_FIXTURE(CompletionSandbox, "zsh completes the options of a subcommand") {
    auto options = zsh("dossier list -");

    CHECK(contains(options, "--client"));
    CHECK(contains(options, "--json"));
    CHECK_FALSE(contains(options, "--schema"));
}

}  // namespace
