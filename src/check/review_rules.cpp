// The rules about dates and people: review-overdue, never-reviewed, expired, expiring, no-owner,
// unknown-owner, and required-document.
#include <algorithm>

#include <fmt/format.h>

#include "dossier/calendar.hpp"
#include "dossier/i18n.hpp"
#include "dossier/review.hpp"
#include "rules.hpp"

namespace dossier::rules {
namespace {

// Returns today's date from the environment, or nullopt when it is not YYYY-MM-DD.
// NOTE: the date rules then find nothing rather than throw, because they run on worker threads.
// The commands reject an invalid --today before they check anything.
std::optional<std::chrono::year_month_day> today_of(const CheckEnvironment& environment) {
    return parse_date(environment.today);
}

// Returns the command that records a review of the document, or a plain instruction outside a client.
std::string review_done_hint(const CheckedDocument& document) {
    if (document.client.empty()) return tr("set reviewed to the date of the review");
    auto path = document.path.ends_with(".md") ? document.path.substr(0, document.path.size() - 3) : document.path;
    return fmt::format(fmt::runtime(tr("run dossier review done {}/{}")), document.client, path);
}

}  // namespace

void check_review(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings) {
    const Value& front_matter = document.document->front_matter();
    if (!document.document->has_front_matter()) return;
    auto schedule = review_schedule(front_matter, document.type != nullptr, environment.settings.review_every);
    if (!schedule) return;

    if (schedule->state == ReviewSchedule::State::never_reviewed) {
        // An empty `reviewed:` is pointed at; a missing one at the front matter.
        const Value* at = schedule->reviewed != nullptr && schedule->reviewed->line() > 0 ? schedule->reviewed
                                                                                            : &front_matter;
        findings.push_back(make_finding(
            document, "never-reviewed", at->line(), at->column(),
            fmt::format(fmt::runtime(tr("reviewed: missing, so the document was never reviewed: review it, then {}")),
                        review_done_hint(document)),
            "reviewed"));
        return;
    }
    if (schedule->state != ReviewSchedule::State::scheduled) return;

    auto today = today_of(environment);
    if (!today) return;
    auto overdue_days = days_between(*schedule->due, *today);
    if (overdue_days <= 0) return;
    findings.push_back(make_finding(
        document, "review-overdue", schedule->reviewed->line(), schedule->reviewed->column(),
        fmt::format(fmt::runtime(trn("reviewed: review overdue by {} day (reviewed {}, every {}, due {}): review "
                                     "the document, then {}",
                                     "reviewed: review overdue by {} days (reviewed {}, every {}, due {}): review "
                                     "the document, then {}",
                                     overdue_days)),
                    overdue_days, format_date(*schedule->reviewed_on), schedule->period, format_date(*schedule->due),
                    review_done_hint(document)),
        "reviewed"));
}

void check_expiry(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings) {
    if (document.type == nullptr) return;
    auto found = expirations(document.document->front_matter(), *document.type);
    if (found.empty()) return;

    auto today = today_of(environment);
    if (!today) return;
    for (const auto& expiration : found) {
        auto days_left = days_between(*today, expiration.date);
        auto date = format_date(expiration.date);
        if (days_left < 0) {
            findings.push_back(make_finding(
                document, "expired", expiration.value->line(), expiration.value->column(),
                fmt::format(fmt::runtime(trn("{}: expired on {}, {} day ago: renew it or set status: archived, then "
                                             "update {}",
                                             "{}: expired on {}, {} days ago: renew it or set status: archived, then "
                                             "update {}",
                                             -days_left)),
                            expiration.field, date, -days_left, expiration.field),
                expiration.field));
        } else if (days_left <= environment.settings.expiring_days) {
            findings.push_back(make_finding(
                document, "expiring", expiration.value->line(), expiration.value->column(),
                days_left == 0
                    ? fmt::format(fmt::runtime(tr("{}: expires today ({}): renew it, then update {}")),
                                  expiration.field, date, expiration.field)
                    : fmt::format(fmt::runtime(trn("{}: expires on {}, in {} day: renew it before then and update {}",
                                                   "{}: expires on {}, in {} days: renew it before then and update {}",
                                                   days_left)),
                                  expiration.field, date, days_left, expiration.field),
                expiration.field));
        }
    }
}

void check_owner(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings) {
    if (document.type == nullptr) return;
    const Value& front_matter = document.document->front_matter();
    const Value* owner = front_matter.find("owner");
    auto owner_id = owner != nullptr ? owner->scalar_or_empty() : std::string();

    std::vector<std::string> ids;
    for (const auto& technician : environment.team) ids.push_back(technician.id);
    if (owner_id.empty()) {
        auto hint = ids.empty() ? std::string(tr("set owner to the id of the technician responsible for it"))
                                : fmt::format(fmt::runtime(tr("set owner to one of {}")), fmt::join(ids, ", "));
        int line = owner != nullptr ? owner->line() : front_matter.line();
        int column = owner != nullptr ? owner->column() : front_matter.column();
        findings.push_back(make_finding(document, "no-owner", line, column,
                                        fmt::format(fmt::runtime(tr("owner: missing: {}")), hint), "owner"));
        return;
    }

    // A new workspace has no team yet, and comparing owners with an empty list would flag them all.
    if (ids.empty() || std::find(ids.begin(), ids.end(), owner_id) != ids.end()) return;
    auto matches = closest_matches(owner_id, ids);
    auto hint = matches.empty() ? std::string(tr("add the technician with dossier team add, or set owner to a member "
                                                 "of team/team.yaml"))
                                : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
    findings.push_back(make_finding(
        document, "unknown-owner", owner->line(), owner->column(),
        fmt::format(fmt::runtime(tr("owner: {} is not in team/team.yaml: {}")), owner_id, hint), "owner"));
}

namespace {

// Returns true when a document value matches a value of the policy: the same text, or the same
// boolean however YAML spells it (true, True, TRUE).
bool same_value(const Value& value, const std::string& expected) {
    auto text = value.scalar_or_empty();
    if (text == expected) return true;
    if (value.scalar_type() != ScalarType::boolean || resolve_plain_scalar(expected) != ScalarType::boolean) return false;
    auto lower = [](std::string word) {
        std::transform(word.begin(), word.end(), word.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
        return word;
    };
    return lower(text) == lower(expected);
}

bool satisfies(const DocumentSummary& document, const RequiredDocument& required) {
    const Value* type = document.front_matter.find("type");
    if (type == nullptr || type->scalar_or_empty() != required.type) return false;
    return std::all_of(required.fields.begin(), required.fields.end(), [&](const auto& condition) {
        const Value* value = document.front_matter.find(condition.first);
        return value != nullptr && same_value(*value, condition.second);
    });
}

// Returns how findings about the whole client show it: its client.md as check displays it, or
// its folder relative to the workspace.
std::string client_display_path(const Client& client, const std::vector<DocumentSummary>& documents,
                                const CheckEnvironment& environment) {
    for (const auto& document : documents) {
        if (document.path == "client.md") return document.display_path;
    }
    if (environment.workspace_root) {
        return client.directory.lexically_proximate(*environment.workspace_root).generic_string();
    }
    return client.directory.generic_string();
}

}  // namespace

void check_required_documents(const Client& client, const std::vector<DocumentSummary>& documents,
                              const CheckEnvironment& environment, std::vector<Finding>& findings) {
    CheckedDocument whole_client;
    whole_client.display_path = client_display_path(client, documents, environment);
    whole_client.client = client.slug;
    whole_client.client_dir = client.directory;

    for (const auto& required : environment.settings.required) {
        bool present = std::any_of(documents.begin(), documents.end(),
                                   [&](const DocumentSummary& document) { return satisfies(document, required); });
        if (present) continue;
        findings.push_back(make_finding(
            whole_client, "required-document", 0, 0,
            fmt::format(fmt::runtime(tr("{}: required in every client by dossier.yaml, and {} has none: create it "
                                        "with dossier new {} --client {}")),
                        required.description, client.slug, required.type, client.slug),
            "type"));
    }
}

}  // namespace dossier::rules
