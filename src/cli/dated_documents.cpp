#include "dated_documents.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/calendar.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/markdown_import.hpp"
#include "dossier/reference.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

// Returns the Markdown files of a client repository (paths relative to it, sorted), skipping
// hidden folders such as .git and symbolic links, which may point outside the repository.
std::vector<std::string> markdown_files(const Client& client) {
    std::vector<std::string> paths;
    std::error_code error;
    fs::recursive_directory_iterator walker(client.directory, fs::directory_options::skip_permission_denied, error);
    for (; !error && walker != fs::recursive_directory_iterator(); walker.increment(error)) {
        auto name = walker->path().filename().string();
        if (name.starts_with('.')) {
            if (walker->is_directory()) walker.disable_recursion_pending();
            continue;
        }
        if (!walker->is_symlink() && walker->is_regular_file() && is_markdown_file_name(name)) {
            paths.push_back(walker->path().lexically_relative(client.directory).generic_string());
        }
    }
    if (error) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read the folder {}: {}")),
                                               client.directory.string(), error.message()));
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

std::vector<Client> selected_clients(Context& context, const std::string& slug) {
    if (slug.empty()) return context.workspace().clients();
    return {context.client(slug)};
}

std::chrono::year_month_day today_for(Context& context, const std::string& option) {
    if (option.empty()) return *parse_date(context.today());
    auto date = parse_date(option);
    if (!date) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid date for --today: {}")), option),
                    tr("write the date as YYYY-MM-DD, such as 2026-06-01"));
    }
    return *date;
}

CheckSettings check_settings(Context& context) {
    const auto& workspace = context.workspace();
    return CheckSettings::from_workspace(workspace.settings(), workspace.settings_path());
}

void for_each_document(const std::vector<Client>& clients, const std::function<void(const ClientDocument&)>& visit) {
    std::size_t unreadable = 0;
    for (const auto& client : clients) {
        for (const auto& path : markdown_files(client)) {
            std::optional<Document> document;
            try {
                document.emplace(Document::parse(read_file(client.directory / path), path));
            } catch (const Error&) {
                ++unreadable;
                continue;
            }
            visit(ClientDocument{client, path, Reference{client, path}.to_string(), *document});
        }
    }
    if (unreadable > 0) {
        print_notice(fmt::format(fmt::runtime(trn("{} document could not be read and is left out: dossier check "
                                                  "shows why",
                                                  "{} documents could not be read and are left out: dossier check "
                                                  "shows why",
                                                  unreadable)),
                                 unreadable));
    }
}

std::string table_text(const std::vector<std::vector<std::string>>& rows, std::string_view indent) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        auto& safe = cells.emplace_back();
        for (std::size_t column = 0; column < row.size(); ++column) {
            safe.push_back(terminal_safe_line(row[column]));
            if (widths.size() <= column) widths.push_back(0);
            widths[column] = std::max(widths[column], code_points(safe.back()));
        }
    }

    std::string text;
    for (const auto& row : cells) {
        std::string line(indent);
        for (std::size_t column = 0; column < row.size(); ++column) {
            line += row[column];
            if (column + 1 == row.size()) break;
            line.append(widths[column] - code_points(row[column]) + 2, ' ');
        }
        text += line + "\n";
    }
    return text;
}

}  // namespace dossier::cli
