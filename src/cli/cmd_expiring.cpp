// dossier expiring: the expiration dates of every client's documents, expired first.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "context.hpp"
#include "dated_documents.hpp"
#include "dossier/calendar.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/review.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct ExpiringOptions {
    std::string within;
    std::string client;
    std::string today;
    bool json = false;
};

// One expiration date of one document.
struct ExpiringItem {
    std::string client;
    std::string ref;
    std::string title;
    std::string type;
    std::string field;
    std::string date;
    int days_left = 0;  // negative once expired
};

// Returns the last date that --within covers: `today` plus "60", "60d", "8w" or a period such
// as "3 months" or "90 jours". Throws Error(usage) for anything else.
std::chrono::year_month_day within_limit(std::chrono::year_month_day today, const std::string& text) {
    auto digits_end = std::find_if(text.begin(), text.end(), [](char c) { return !std::isdigit(static_cast<unsigned char>(c)); });
    std::string_view suffix(digits_end, text.end());
    auto digit_count = static_cast<std::size_t>(digits_end - text.begin());
    if (digit_count > 0 && digit_count <= 5 && (suffix.empty() || suffix == "d" || suffix == "w")) {
        int count = 0;
        std::from_chars(text.data(), text.data() + digit_count, count);
        Period period{count, suffix == "w" ? Period::Unit::weeks : Period::Unit::days};
        return add_period(today, period);
    }
    if (auto period = parse_period(text)) return add_period(today, *period);
    throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid value for --within: {}")), text),
                tr("write a number of days or weeks such as 60, 60d or 8w, or a period such as 3 months"));
}

std::string status_text(const ExpiringItem& item) {
    if (item.days_left < 0) {
        return fmt::format(fmt::runtime(trn("expired {} day ago", "expired {} days ago", -item.days_left)),
                           -item.days_left);
    }
    if (item.days_left == 0) return tr("expires today");
    return fmt::format(fmt::runtime(trn("in {} day", "in {} days", item.days_left)), item.days_left);
}

void print_items_json(const std::vector<ExpiringItem>& items) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& item : items) {
        array.push_back({{"client", item.client},
                         {"ref", item.ref},
                         {"title", item.title},
                         {"type", item.type},
                         {"field", item.field},
                         {"date", item.date},
                         {"days_left", item.days_left},
                         {"expired", item.days_left < 0}});
    }
    print_json(array);
}

void print_items_text(const std::vector<ExpiringItem>& items) {
    std::vector<std::vector<std::string>> rows;
    rows.push_back({tr("DATE"), tr("STATUS"), tr("REFERENCE"), tr("FIELD"), tr("TITLE")});
    for (const auto& item : items) rows.push_back({item.date, status_text(item), item.ref, item.field, item.title});
    print_data(table_text(rows));
}

void run_expiring(Context& context, const ExpiringOptions& options) {
    auto today = today_for(context, options.today);
    auto settings = check_settings(context);
    auto limit = options.within.empty() ? add_period(today, Period{settings.expiring_days, Period::Unit::days})
                                        : within_limit(today, options.within);
    const auto& catalog = context.types();
    auto clients = selected_clients(context, options.client);

    std::vector<ExpiringItem> items;
    for_each_document(clients, [&](const ClientDocument& entry) {
        if (!entry.document.has_front_matter()) return;
        const DocumentType* type = catalog.find(entry.document.type());
        if (type == nullptr) return;
        for (const auto& expiration : expirations(entry.document.front_matter(), *type)) {
            if (days_between(expiration.date, limit) < 0) continue;
            items.push_back({entry.client.slug, entry.ref, entry.document.field("title", entry.path), type->name(),
                             expiration.field, format_date(expiration.date), days_between(today, expiration.date)});
        }
    });
    // The dates are YYYY-MM-DD, so comparing them as text orders them in time.
    std::sort(items.begin(), items.end(), [](const ExpiringItem& a, const ExpiringItem& b) {
        return std::tie(a.date, a.ref, a.field) < std::tie(b.date, b.ref, b.field);
    });

    if (options.json) {
        print_items_json(items);
        return;
    }
    if (items.empty()) {
        print_notice(fmt::format(fmt::runtime(tr("nothing expires before {}")), format_date(limit)));
        return;
    }
    print_items_text(items);
    auto expired = static_cast<std::size_t>(
        std::count_if(items.begin(), items.end(), [](const ExpiringItem& item) { return item.days_left < 0; }));
    print_notice(fmt::format("{}, {}",
                             fmt::format(fmt::runtime(trn("{} date expired", "{} dates expired", expired)), expired),
                             fmt::format(fmt::runtime(trn("{} expiring by {}", "{} expiring by {}", items.size() - expired)),
                                         items.size() - expired, format_date(limit))));
}

}  // namespace

void add_expiring_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ExpiringOptions>();
    auto* command = app.add_subcommand(
        "expiring", tr("List expired and expiring dates (contracts, domains, certificates...) of every client"));
    command->add_option("--within", options->within,
                        tr("Also list dates within this many days: 60, 60d, 8w or 3 months (default: "
                           "check.expiring_within of dossier.yaml, else 30 days)"))
        ->type_name("PERIOD");
    command->add_option("--client", options->client, tr("List only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("--today", options->today, tr("Count from this date, YYYY-MM-DD (default: the local date)"));
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    command->callback([&context, options] { run_expiring(context, *options); });
}

}  // namespace dossier::cli
