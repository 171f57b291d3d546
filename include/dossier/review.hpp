// When a document is due for review and when its dates expire, read from its front matter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "dossier/type_catalog.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

// A document's review: the last one, the period that applies and the date of the next one.
struct ReviewSchedule {
    enum class State {
        never_reviewed,  // `reviewed` is absent or empty
        scheduled,       // reviewed_on and due are set
        invalid,         // `reviewed` is not a date or the period is not a period, which check reports
    };
    State state = State::never_reviewed;
    const Value* reviewed = nullptr;  // the `reviewed` value, when present
    std::string period;               // as written: the document's review_every, else the default
    std::optional<std::chrono::year_month_day> reviewed_on;
    std::optional<std::chrono::year_month_day> due;
};

// Returns true when the front matter's `status` is `archived`: such documents are no longer
// reviewed and their expirations are not reported.
bool is_archived(const Value& front_matter);

// Returns the review schedule of a document, whose period is its `review_every`, else
// `default_period` (the workspace's). Returns nullopt for an archived document, and for a
// document without `reviewed` unless it is `typed`: notes and untyped files are never
// "never reviewed".
std::optional<ReviewSchedule> review_schedule(const Value& front_matter, bool typed, std::string_view default_period);

// One date of a document that its type's schema marks as an expiration.
struct Expiration {
    std::string field;
    const Value* value = nullptr;  // where the date is written
    std::chrono::year_month_day date;
};

// Returns the expiration dates of a document of `type`, in schema order. Values that are not
// valid dates are left out (the schema rule reports them), and an archived document has none.
std::vector<Expiration> expirations(const Value& front_matter, const DocumentType& type);

}  // namespace dossier
