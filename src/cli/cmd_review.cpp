// dossier review: the documents whose review is overdue or due soon, and recording a review.
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "context.hpp"
#include "dated_documents.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/calendar.hpp"
#include "dossier/change.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/markdown_import.hpp"
#include "dossier/review.hpp"
#include "output.hpp"
#include "validation_report.hpp"

namespace dossier::cli {
namespace {

struct ReviewOptions {
    std::string client;
    std::string owner;
    int within = 0;
    std::string today;
    bool json = false;
};

struct ReviewDoneOptions {
    std::string reference;
    std::string today;
};

// A document to review. Never-reviewed documents have no reviewed date, due date or delay.
struct DueReview {
    std::string client;
    std::string ref;
    std::string title;
    std::string owner;
    std::string reviewed;
    std::string review_every;
    std::string due;
    std::optional<int> days_overdue;  // negative when the review is due in the future
};

std::optional<DueReview> due_review(const ClientDocument& entry, const TypeCatalog& catalog,
                                    const std::string& default_period, std::chrono::year_month_day limit) {
    const Document& document = entry.document;
    if (!document.has_front_matter()) return std::nullopt;
    bool typed = catalog.find(document.type()) != nullptr;
    auto schedule = review_schedule(document.front_matter(), typed, default_period);
    if (!schedule || schedule->state == ReviewSchedule::State::invalid) return std::nullopt;
    if (schedule->due && days_between(*schedule->due, limit) < 0) return std::nullopt;

    DueReview review{entry.client.slug, entry.ref, document.field("title", entry.path), document.field("owner"),
                     {},                schedule->period, {}, std::nullopt};
    if (schedule->due) {
        review.reviewed = format_date(*schedule->reviewed_on);
        review.due = format_date(*schedule->due);
    }
    return review;
}

// Orders by client, then owner, then never-reviewed documents, then by due date and reference.
bool review_order(const DueReview& a, const DueReview& b) {
    return std::tie(a.client, a.owner, a.due, a.ref) < std::tie(b.client, b.owner, b.due, b.ref);
}

std::string status_text(const DueReview& review) {
    if (!review.days_overdue) return tr("never reviewed");
    int days = *review.days_overdue;
    if (days == 0) return tr("due today");
    if (days > 0) return fmt::format(fmt::runtime(trn("{} day overdue", "{} days overdue", days)), days);
    return fmt::format(fmt::runtime(trn("due in {} day", "due in {} days", -days)), -days);
}

void print_reviews_json(const std::vector<DueReview>& reviews) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& review : reviews) {
        auto optional_text = [](const std::string& text) {
            return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
        };
        array.push_back({{"client", review.client},
                         {"ref", review.ref},
                         {"title", review.title},
                         {"owner", optional_text(review.owner)},
                         {"reviewed", optional_text(review.reviewed)},
                         {"review_every", review.review_every},
                         {"due", optional_text(review.due)},
                         {"days_overdue", review.days_overdue ? nlohmann::ordered_json(*review.days_overdue)
                                                              : nlohmann::ordered_json()}});
    }
    print_json(array);
}

// Prints one table per client, its rows grouped by owner.
void print_reviews_text(const std::vector<DueReview>& reviews) {
    std::map<std::string, std::vector<std::vector<std::string>>> tables;
    for (const auto& review : reviews) {
        auto& rows = tables[review.client];
        if (rows.empty()) rows.push_back({tr("OWNER"), tr("DUE"), tr("STATUS"), tr("REFERENCE"), tr("TITLE")});
        rows.push_back({review.owner.empty() ? "-" : review.owner, review.due.empty() ? "-" : review.due,
                        status_text(review), review.ref, review.title});
    }
    std::string text;
    for (const auto& [client, rows] : tables) {
        if (!text.empty()) text += "\n";
        text += client + "\n" + table_text(rows, "  ");
    }
    print_data(text);
}

void run_review(Context& context, const ReviewOptions& options) {
    auto today = today_for(context, options.today);
    auto settings = check_settings(context);
    const auto& catalog = context.types();
    auto clients = selected_clients(context, options.client);
    auto limit = std::chrono::year_month_day{std::chrono::sys_days{today} + std::chrono::days{options.within}};

    std::vector<DueReview> reviews;
    for_each_document(clients, [&](const ClientDocument& entry) {
        auto review = due_review(entry, catalog, settings.review_every, limit);
        if (!review || (!options.owner.empty() && review->owner != options.owner)) return;
        if (!review->due.empty()) review->days_overdue = days_between(*parse_date(review->due), today);
        reviews.push_back(std::move(*review));
    });
    std::sort(reviews.begin(), reviews.end(), review_order);

    if (options.json) {
        print_reviews_json(reviews);
        return;
    }
    if (reviews.empty()) {
        print_notice(tr("no document is due for review"));
        return;
    }
    print_reviews_text(reviews);
    print_notice(fmt::format(fmt::runtime(trn("{} document to review", "{} documents to review", reviews.size())),
                             reviews.size()));
}

// Resolves REF like other commands, and also accepts the path of a Markdown file that does not
// end in .md, such as an imported runbooks/restart.html.md.erb.
Reference review_reference(Context& context, const std::string& text) {
    auto reference = context.reference(text, false);
    if (!std::filesystem::is_regular_file(reference.file()) && reference.path.ends_with(".md")) {
        Reference as_written{reference.client, reference.path.substr(0, reference.path.size() - 3)};
        auto name = std::filesystem::path(as_written.path).filename().string();
        if (is_markdown_file_name(name) && std::filesystem::is_regular_file(as_written.file())) return as_written;
    }
    return context.reference(text, true);
}

void run_review_done(Context& context, const ReviewDoneOptions& options) {
    auto today = format_date(today_for(context, options.today));
    auto reference = review_reference(context, options.reference);
    auto repository = git::Repository::open(reference.client.directory);
    Change change(repository);
    auto document = Document::parse(read_file(reference.file()), reference.file().string());
    const DocumentType* type = document.has_front_matter() ? context.types().find(document.type()) : nullptr;
    auto violations_before = type != nullptr ? violation_messages(*type, document) : std::vector<std::string>();

    document.set("reviewed", today);
    if (type != nullptr) {
        throw_if_invalid(*type, document,
                         fmt::format(fmt::runtime(tr("the change would make the document invalid for its type {}")),
                                     type->name()),
                         tr("nothing was written; correct the document with dossier edit, then run the command again"),
                         violations_before);
    }

    auto author = context.author(&repository);
    change.write(reference.path, document.to_bytes());
    auto shown_path = reference.path.ends_with(".md") ? reference.path.substr(0, reference.path.size() - 3)
                                                      : reference.path;
    auto commit = change.commit(fmt::format("review {} on {}", shown_path, today), author);
    if (!commit) {
        print_notice(fmt::format(fmt::runtime(tr("{} was already reviewed on {}: nothing changed")),
                                 reference.to_string(), today));
        return;
    }
    print_notice(fmt::format(fmt::runtime(tr("recorded the review of {} on {} (commit {})")), reference.to_string(),
                             today, commit->substr(0, 8)));
}

}  // namespace

void add_review_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ReviewOptions>();
    auto* command = app.add_subcommand(
        "review", tr("List documents whose review is overdue or due soon, by client and owner"));
    command->require_subcommand(0, 1);
    command->add_option("--client", options->client, tr("List only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("--owner", options->owner, tr("List only the documents of this owner (a technician id)"));
    command->add_option("--within", options->within,
                        tr("Also list reviews due within this number of days (default: 0, overdue and due today)"))
        ->check(CLI::Range(0, 100000));
    command->add_option("--today", options->today, tr("Count from this date, YYYY-MM-DD (default: the local date)"));
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));

    auto done = std::make_shared<ReviewDoneOptions>();
    auto* done_command = command->add_subcommand("done", tr("Record today's review of a document: set reviewed and commit"));
    done_command->add_option("REF", done->reference, tr("The document, such as acme/runbooks/vpn-reset"))
        ->type_name(reference_value)
        ->required();
    done_command->add_option("--today", done->today, tr("Record this date, YYYY-MM-DD (default: the local date)"));
    done_command->callback([&context, done] { run_review_done(context, *done); });

    command->callback([&context, options, command] {
        if (!command->get_subcommands().empty()) return;  // `review done` was run instead
        run_review(context, *options);
    });
}

}  // namespace dossier::cli
