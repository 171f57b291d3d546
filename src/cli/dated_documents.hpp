// Reading the documents of the workspace's clients for the review and expiring commands.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "context.hpp"
#include "dossier/check.hpp"
#include "dossier/document.hpp"

namespace dossier::cli {

// A document of a client as the review and expiring commands see it.
struct ClientDocument {
    const Client& client;
    std::string path;  // in the client repository, '/' separated
    std::string ref;   // acme/runbooks/vpn-reset; files not ending in .md keep their extension
    const Document& document;
};

// Returns the clients of the workspace, or only the one whose slug is `slug` when it is not empty.
std::vector<Client> selected_clients(Context& context, const std::string& slug);

// Returns the date given with --today (`option`), else the local date. Throws Error(usage)
// when `option` is not a valid YYYY-MM-DD date.
std::chrono::year_month_day today_for(Context& context, const std::string& option);

// Returns the `check:` and `review_every` settings of dossier.yaml.
CheckSettings check_settings(Context& context);

// Calls `visit` for each Markdown document of `clients` that can be read, by client then path:
// the .md, .markdown, .md.erb and .markdown.erb files that import markdown adopts. Prints one
// notice on standard error with the number of files that could not be read.
void for_each_document(const std::vector<Client>& clients, const std::function<void(const ClientDocument&)>& visit);

// Returns `rows` as text columns separated by two spaces, each line starting with `indent`. Cells
// are made terminal-safe and padded by code points, so wide characters may shift a column.
std::string table_text(const std::vector<std::vector<std::string>>& rows, std::string_view indent = {});

}  // namespace dossier::cli
