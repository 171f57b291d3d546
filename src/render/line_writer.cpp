// Output lines: the prefixes of open block quotes and list items, blank lines between blocks,
// trailing padding removed, and ANSI SGR codes in colour mode.

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

// Block quotes and list items nested deeper than this add no prefix, so deep nesting can
// neither push text off the screen nor make each line cost time per level.
constexpr std::size_t kMaxShownNesting = 10;

// Text keeps at least this many columns (or the whole width when that is narrower), however
// wide the prefixes of its containers are, so those lines run past the width instead.
constexpr int kMinContentWidth = 20;

const char* const kResetSequence = "\x1b[0m";

std::string sgr_sequence(unsigned style) {
    static constexpr std::pair<unsigned, const char*> kParameters[] = {
        {kBold, "1"}, {kFaint, "2"}, {kItalic, "3"}, {kLinkText, "4;34"}, {kStrike, "9"}, {kCode, "36"},
    };
    std::string parameters;
    for (const auto& [flag, parameter] : kParameters) {
        if ((style & flag) == 0) continue;
        if (!parameters.empty()) parameters += ';';
        parameters += parameter;
    }
    return "\x1b[" + parameters + "m";
}

}  // namespace

void LineWriter::push_container(Container container) {
    if (containers_.size() < kMaxShownNesting) prefix_width_ += container.width;
    containers_.push_back(std::move(container));
}

void LineWriter::pop_container() {
    if (containers_.size() <= kMaxShownNesting) prefix_width_ -= containers_.back().width;
    containers_.pop_back();
}

bool LineWriter::innermost_container_unstarted() const {
    return !containers_.empty() && containers_.size() <= kMaxShownNesting && !containers_.back().started;
}

int LineWriter::content_width() const { return std::max(width_ - prefix_width_, std::min(kMinContentWidth, width_)); }

void LineWriter::begin_block() {
    if (!blank_line_pending_) return;
    blank_line_pending_ = false;

    // Containers that have not started yet belong to the next block, not to the gap.
    std::vector<Span> spans;
    for (std::size_t i = 0; i < shown_containers(); ++i) {
        if (!containers_[i].started) break;
        spans.push_back(Span{containers_[i].rest_prefix, containers_[i].style, true});
    }
    write_spans(spans);
}

void LineWriter::write_line(std::vector<Span> content) {
    std::vector<Span> spans;
    spans.reserve(shown_containers() + content.size());
    for (std::size_t i = 0; i < shown_containers(); ++i) {
        Container& container = containers_[i];
        spans.push_back(
            Span{container.started ? container.rest_prefix : container.first_prefix, container.style, true});
        container.started = true;
    }
    std::move(content.begin(), content.end(), std::back_inserter(spans));
    write_spans(spans);
}

std::size_t LineWriter::shown_containers() const { return std::min(containers_.size(), kMaxShownNesting); }

void LineWriter::write_spans(std::vector<Span>& spans) {
    while (!spans.empty() && spans.back().padding) {
        std::string& text = spans.back().text;
        text.erase(text.find_last_not_of(' ') + 1);
        if (!text.empty()) break;
        spans.pop_back();
    }

    unsigned current_style = 0;
    for (const Span& span : spans) {
        if (color_ && span.style != current_style) {
            if (current_style != 0) out_ += kResetSequence;
            if (span.style != 0) out_ += sgr_sequence(span.style);
            current_style = span.style;
        }
        out_ += span.text;
    }
    if (current_style != 0) out_ += kResetSequence;
    out_ += '\n';
}

}  // namespace dossier::render
