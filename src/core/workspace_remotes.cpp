#include "dossier/workspace_remotes.hpp"

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace dossier {

namespace {

constexpr std::string_view placeholder = "{client}";

[[noreturn]] void throw_setting(const std::string& path, const Value& value, std::string message, std::string hint) {
    throw Error(ErrorKind::invalid_input, SourceLocation{path, value.line(), value.column(), {}}, std::move(message),
                std::move(hint));
}

// Returns `url` as a double-quoted YAML scalar.
std::string quoted(const std::string& url) {
    std::string text = "\"";
    for (char c : url) {
        if (c == '"' || c == '\\') text += '\\';
        text += c;
    }
    return text + "\"";
}

// A line of `text`: where it starts and ends, without its line ending.
struct Line {
    std::size_t start, end, next;
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t newline = text.find('\n', start);
        std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
        std::size_t end = newline == std::string_view::npos ? text.size() : newline;
        if (end > start && text[end - 1] == '\r') --end;
        lines.push_back({start, end, next});
        start = next;
    }
    return lines;
}

bool is_clients_key(std::string_view line) {
    if (!line.starts_with("clients")) return false;
    line.remove_prefix(7);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    return line.starts_with(":");
}

}  // namespace

WorkspaceRemotes WorkspaceRemotes::read(const Workspace& workspace) {
    WorkspaceRemotes remotes;
    const Value& settings = workspace.settings();
    std::string path = workspace.settings_path().string();

    if (const Value* pattern = settings.find("remote"); pattern != nullptr && !pattern->scalar_or_empty().empty()) {
        if (!pattern->is_scalar() || pattern->text().find(placeholder) == std::string::npos) {
            throw_setting(path, *pattern,
                          fmt::format(fmt::runtime(tr("invalid remote in dossier.yaml: {}")), pattern->scalar_or_empty()),
                          tr("write a URL in which {client} stands for the client's slug, such as "
                             "git@git.example.fr:msp/{client}.git"));
        }
        remotes.pattern = pattern->text();
    }

    const Value* clients = settings.find("clients");
    if (clients == nullptr || (clients->is_scalar() && clients->scalar_type() == ScalarType::null)) return remotes;
    if (!clients->is_mapping()) {
        throw_setting(path, *clients, tr("invalid clients in dossier.yaml: expected a mapping of client slugs"),
                      tr("write one line per client under clients:, such as \"  acme:\" or \"  acme: URL\""));
    }
    for (const auto& [slug, url] : clients->entries()) {
        try {
            client_slug(slug, slug);
        } catch (const Error& error) {
            throw_setting(path, url, fmt::format(fmt::runtime(tr("invalid client slug in dossier.yaml: {}")), slug),
                          error.hint());
        }
        if (!url.is_scalar()) {
            throw_setting(path, url, fmt::format(fmt::runtime(tr("invalid URL of client {} in dossier.yaml")), slug),
                          tr("give the URL as one line of text, or nothing to use remote:"));
        }
        remotes.clients.push_back({slug, url.scalar_or_empty()});
    }
    return remotes;
}

std::optional<std::string> WorkspaceRemotes::url_for(const std::string& slug) const {
    if (const ListedClient* listed = find(slug); listed != nullptr && !listed->url.empty()) return listed->url;
    if (pattern.empty()) return std::nullopt;
    std::string url = pattern;
    for (auto at = url.find(placeholder); at != std::string::npos; at = url.find(placeholder, at + slug.size())) {
        url.replace(at, placeholder.size(), slug);
    }
    return url;
}

const ListedClient* WorkspaceRemotes::find(const std::string& slug) const {
    for (const auto& client : clients) {
        if (client.slug == slug) return &client;
    }
    return nullptr;
}

std::string with_listed_clients(std::string_view text, const std::vector<ListedClient>& clients) {
    std::string newline = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    std::string block = "clients:" + newline;
    for (const auto& client : clients) {
        block += "  " + client.slug + ":" + (client.url.empty() ? std::string() : " " + quoted(client.url)) + newline;
    }

    // The old block: the `clients:` line at column 0 and the indented or blank lines after it,
    // without the blank lines that end it.
    auto lines = split_lines(text);
    std::string result;
    std::size_t i = 0;
    while (i < lines.size() && !is_clients_key(text.substr(lines[i].start, lines[i].end - lines[i].start))) ++i;
    if (i == lines.size()) {
        result = std::string(text);
        if (!result.empty() && result.back() != '\n') result += newline;
        result += (tr("# Client repositories that dossier clone fetches; a client without a URL uses remote:.") +
                   newline) + block;
    } else {
        std::size_t last = i;
        for (std::size_t j = i + 1; j < lines.size(); ++j) {
            std::string_view line = text.substr(lines[j].start, lines[j].end - lines[j].start);
            if (line.empty()) continue;
            if (line.front() != ' ' && line.front() != '\t') break;
            last = j;
        }
        result = std::string(text.substr(0, lines[i].start)) + block + std::string(text.substr(lines[last].next));
    }

    // Every other setting must read back unchanged.
    auto others = [](const Value& settings) {
        nlohmann::ordered_json json = settings.to_json();
        json.erase("clients");
        return json;
    };
    bool as_written = false;
    try {
        DecodedText before = decode_text(text, "dossier.yaml");
        DecodedText after = decode_text(result, "dossier.yaml");
        Value old_settings = parse_yaml_mapping(before.utf8, 1, before.utf8, "dossier.yaml");
        Value new_settings = parse_yaml_mapping(after.utf8, 1, after.utf8, "dossier.yaml");
        const Value* listed = new_settings.find("clients");
        as_written = others(old_settings) == others(new_settings) && listed != nullptr &&
                     listed->entries().size() == clients.size();
    } catch (const Error&) {
        as_written = false;  // such as a second clients: key after one written as "clients":
    }
    if (!as_written) {
        throw Error(ErrorKind::invalid_input, tr("cannot update clients: in dossier.yaml, written in a form dossier "
                                                 "cannot edit"),
                    tr("write clients: as a block mapping, one client per line, such as \"  acme:\""));
    }
    return result;
}

}  // namespace dossier
