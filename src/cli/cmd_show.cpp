#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/credential.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace dossier::cli {
namespace {

struct ShowOptions {
    std::string reference;
    std::string revision;
    bool raw = false;
    bool json = false;
};

int terminal_width() {
    struct winsize size {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
    return 80;
}

std::string read_version(const Reference& reference, const std::string& revision) {
    auto repository = git::Repository::open(reference.client.directory);
    auto commit = repository.resolve(revision);
    auto bytes = repository.read_at(commit, reference.path);
    if (!bytes) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} does not exist in revision {}")), reference.to_string(), revision),
                    fmt::format(fmt::runtime(tr("run \"dossier log {}\" to see its revisions")), reference.to_string()));
    }
    return *bytes;
}

std::string render_header(const Document& document, bool color) {
    std::string header;
    for (const auto& [key, value] : document.front_matter().entries()) {
        std::string value_text = value.is_scalar() ? value.text() : value.to_json().dump();
        if (value.is_sequence()) {
            std::vector<std::string> items;
            for (const auto& item : value.items()) items.push_back(item.is_scalar() ? item.text() : item.to_json().dump());
            value_text = fmt::format("{}", fmt::join(items, ", "));
        }
        header += fmt::format("{}: {}\n", styled(terminal_safe_line(key), "2", color), terminal_safe_line(value_text));
    }
    return header.empty() ? header : header + "\n";
}

// Returns `body` with its age block, if any, replaced by a line that says how to read it: the
// ciphertext means nothing on a terminal, and rendered as Markdown it would be run together.
std::string without_secret_block(const std::string& body, const Reference& reference) {
    std::optional<AgeBlockSpan> block;
    try {
        block = find_age_block(body, reference.file().string());
    } catch (const Error&) {
        return body;  // a malformed block is shown as it is, for check and secret get to report
    }
    if (!block) return body;
    auto line = fmt::format(fmt::runtime(tr("*[encrypted secret: dossier secret get {}]*")), reference.to_string());
    return body.substr(0, block->begin) + line + "\n" + body.substr(block->end);
}

void run_show(Context& context, const ShowOptions& options) {
    bool at_revision = !options.revision.empty();
    auto reference = context.reference(options.reference, !at_revision);
    std::string bytes = at_revision ? read_version(reference, options.revision) : read_file(reference.file());

    if (options.raw) {
        page(bytes, context.stdout_is_terminal());
        return;
    }
    auto document = Document::parse(bytes, reference.file().string());
    if (options.json) {
        print_json({{"client", reference.client.slug},
                    {"path", reference.path},
                    {"ref", reference.to_string()},
                    {"revision", options.revision.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(options.revision)},
                    {"type", document.type()},
                    {"front_matter", document.front_matter().to_json()},
                    {"body", std::string(document.body())}});
        return;
    }

    bool color = context.color_stdout();
    TerminalStyle style{color, context.stdout_is_terminal() ? terminal_width() : 80};
    auto body = without_secret_block(std::string(document.body()), reference);
    page(render_header(document, color) + render_for_terminal(body, style), context.stdout_is_terminal());
}

}  // namespace

void add_show_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ShowOptions>();
    auto* command = app.add_subcommand("show", tr("Show a document, rendered for the terminal"));
    command->add_option("REF", options->reference, tr("The document, such as acme/runbooks/vpn-reset"))
        ->type_name(reference_value)->required();
    command->add_option("--rev", options->revision, tr("Show the document as it was in revision REV (a commit, HEAD~2)"));
    auto* raw = command->add_flag("--raw", options->raw, tr("Print the file exactly as it is stored"));
    command->add_flag("--json", options->json, tr("Print the front matter and body as JSON"))->excludes(raw);
    command->callback([&context, options] { run_show(context, *options); });
}

}  // namespace dossier::cli
