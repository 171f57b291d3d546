#include "dossier/review.hpp"

#include "dossier/calendar.hpp"

namespace dossier {

bool is_archived(const Value& front_matter) {
    const Value* status = front_matter.find("status");
    return status != nullptr && status->scalar_or_empty() == "archived";
}

std::optional<ReviewSchedule> review_schedule(const Value& front_matter, bool typed, std::string_view default_period) {
    if (is_archived(front_matter)) return std::nullopt;

    ReviewSchedule schedule;
    schedule.reviewed = front_matter.find("reviewed");
    auto reviewed_text = schedule.reviewed != nullptr ? schedule.reviewed->scalar_or_empty() : std::string();
    const Value* own_period = front_matter.find("review_every");
    schedule.period = own_period != nullptr && !own_period->scalar_or_empty().empty() ? own_period->scalar_or_empty()
                                                                                       : std::string(default_period);
    if (reviewed_text.empty()) {
        if (!typed) return std::nullopt;
        schedule.state = ReviewSchedule::State::never_reviewed;
        return schedule;
    }

    auto reviewed_on = parse_date(reviewed_text);
    auto period = parse_period(schedule.period);
    if (!reviewed_on || !period) {
        schedule.state = ReviewSchedule::State::invalid;
        return schedule;
    }
    schedule.state = ReviewSchedule::State::scheduled;
    schedule.reviewed_on = reviewed_on;
    schedule.due = add_period(*reviewed_on, *period);
    return schedule;
}

std::vector<Expiration> expirations(const Value& front_matter, const DocumentType& type) {
    if (is_archived(front_matter)) return {};

    std::vector<Expiration> result;
    for (const auto& field : type.expiration_fields()) {
        const Value* value = front_matter.find(field);
        if (value == nullptr) continue;
        auto date = parse_date(value->scalar_or_empty());
        if (date) result.push_back({field, value, *date});
    }
    return result;
}

}  // namespace dossier
