#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/check.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"
#include "prompt.hpp"
#include "dossier/document_merge.hpp"
#include "editor.hpp"
#include "validation_report.hpp"

extern char** environ;

namespace dossier::cli {
namespace {

// Prints findings as check does, on standard error because standard output is for data.
void report_findings(const std::vector<Finding>& findings, bool color) {
    for (const auto& finding : findings) std::cerr << finding_line(finding, color);
}

// Merges into `file` the version of the document committed while the editor was open, when
// there is one, and returns true then: `opened` is what the editor started from, and `committed` what HEAD held then.
// Without this, the editor's buffer would undo what a sync or another command committed.
// Throws Error(conflict), with both versions between conflict markers in the file, when the
// editor's changes and the committed ones touch the same key or lines.
bool merge_committed_meanwhile(const git::Repository& repository, const Reference& reference,
                               const std::filesystem::path& file, const std::string& opened,
                               const std::optional<std::string>& committed) {
    auto now = repository.read_at("HEAD", reference.path);
    if (!now || now == committed || *now == opened) return false;

    std::string edited = read_file(file);
    DocumentMerge merged = merge_document(opened, edited, *now, reference.to_string());
    write_file_atomically(file, merged.bytes);
    if (!merged.clean) {
        throw Error(ErrorKind::conflict,
                    fmt::format(fmt::runtime(tr("{} was changed and committed while you edited it, on the same lines: "
                                                "both versions are in the file, between conflict markers")),
                                reference.to_string()),
                    fmt::format(fmt::runtime(tr("run dossier edit {} to keep what you want from each, then it is "
                                                "committed")),
                                reference.to_string()));
    }
    print_notice(fmt::format(fmt::runtime(tr("{} was changed and committed while you edited it: your changes were "
                                             "merged with that version")),
                             reference.to_string()));
    return true;
}

void run_edit(Context& context, const std::string& text) {
    auto reference = context.reference(text, true);
    auto file = reference.file();
    auto shown = reference.to_string();
    auto editor = editor_command();
    auto shown_file = file.lexically_proximate(context.current_dir).generic_string();

    // What the editor starts from, and what is committed then: a sync or another command may
    // commit a new version of the document while the editor is open.
    const std::string opened = read_file(file);
    std::optional<std::string> committed;
    {
        auto repository = git::Repository::open(reference.client.directory);
        committed = repository.read_at("HEAD", reference.path);
    }

    while (true) {
        int status = run_editor(editor, file);
        if (status == 127) {
            throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("editor not found: {}")), editor),
                        tr("set VISUAL or EDITOR to your editor, such as EDITOR=nano"));
        }
        if (status != 0) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("the editor exited with status {}: {} is kept as it is, "
                                                    "not committed")),
                                    status, shown),
                        fmt::format(fmt::runtime(tr("run dossier edit {} again to finish")), shown));
        }

        // The file is checked even when the editor left it as it was, because a change made
        // before (a failed edit, an editor outside dossier) is committed here too.
        auto findings = check_document(context.types(), read_file(file), shown_file);
        if (findings.empty()) break;

        report_findings(findings, context.color_stderr());
        if (!can_prompt()) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("{} is not valid, so it was not committed; the file keeps your "
                                                    "changes")),
                                    shown),
                        fmt::format(fmt::runtime(tr("fix it with dossier edit {}, then it is committed")), shown));
        }
        auto answer = ask(tr("Edit again, or keep the file uncommitted? [E/k] "));
        // End of input keeps the file too: asking again could loop forever.
        if (!answer || *answer == "k" || *answer == "K") {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("{} kept uncommitted with your changes")), shown),
                        fmt::format(fmt::runtime(tr("fix it with dossier edit {}, then it is committed")), shown));
        }
    }

    auto repository = git::Repository::open(reference.client.directory);
    if (merge_committed_meanwhile(repository, reference, file, opened, committed)) {
        auto findings = check_document(context.types(), read_file(file), shown_file);
        if (!findings.empty()) {
            report_findings(findings, context.color_stderr());
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("{} is not valid, so it was not committed; the file keeps your "
                                                    "changes")),
                                    shown),
                        fmt::format(fmt::runtime(tr("fix it with dossier edit {}, then it is committed")), shown));
        }
    }
    Change change(repository);
    // The editor wrote the file in place. Writing the same bytes again puts them in the commit
    // through the atomic path that every other change takes.
    change.write(reference.path, read_file(file));
    auto commit = change.commit(fmt::format("edit {}", reference.path), context.author(&repository));
    if (!commit) {
        print_notice(fmt::format(fmt::runtime(tr("{} is as committed: nothing to commit")), shown));
        return;
    }
    print_notice(fmt::format(fmt::runtime(tr("updated {} (commit {})")), shown, commit->substr(0, 8)));
}

}  // namespace

void add_edit_command(CLI::App& app, Context& context) {
    auto reference = std::make_shared<std::string>();
    auto* command = app.add_subcommand("edit", tr("Open a document in $VISUAL or $EDITOR, validate it and commit"));
    command->add_option("REF", *reference, tr("The document, such as acme/runbooks/vpn-reset"))
        ->type_name(reference_value)->required();
    command->callback([&context, reference] { run_edit(context, *reference); });
}

}  // namespace dossier::cli
