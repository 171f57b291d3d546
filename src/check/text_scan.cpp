#include "text_scan.hpp"

#include <array>
#include <cmath>
#include <optional>

#include "dossier/credential.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/text.hpp"

namespace dossier::rules {

std::vector<TextLine> lines_of(std::string_view text) {
    std::vector<TextLine> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        // A plain loop: find_first_of calls memchr once per byte of the text.
        auto end = start;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
        lines.push_back({static_cast<int>(lines.size()) + 1, start, text.substr(start, end - start)});
        start = end + (text.substr(end).starts_with("\r\n") ? 2 : 1);
    }
    return lines;
}

std::vector<TextLine> lines_outside_age_block(const CheckedDocument& document) {
    const auto& text = document.document->text();
    auto lines = lines_of(text);
    std::optional<AgeBlockSpan> block;
    try {
        block = find_age_block(text, document.display_path);
    } catch (const Error&) {
        return lines;
    }
    if (block) {
        std::erase_if(lines,
                      [&](const TextLine& line) { return line.offset >= block->begin && line.offset < block->end; });
    }
    return lines;
}

int column_of(const TextLine& line, std::size_t byte_offset) { return count_code_points(line.text, byte_offset) + 1; }

std::string fold(std::string_view text) {
    std::string folded(text);
    fold_in_place(folded);
    return folded;
}

void fold_in_place(std::string& folded) {
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded[i] >= 'A' && folded[i] <= 'Z') folded[i] = static_cast<char>(folded[i] - 'A' + 'a');
        bool capital_e_acute = folded[i] == '\xC3' && i + 1 < folded.size() && folded[i + 1] == '\x89';
        if (capital_e_acute) folded[i + 1] = '\xA9';  // É becomes é
    }
}

std::size_t distinct_characters(std::string_view text) {
    std::array<bool, 256> seen{};
    std::size_t count = 0;
    for (unsigned char c : text) {
        if (!seen[c]) ++count;
        seen[c] = true;
    }
    return count;
}

double shannon_entropy(std::string_view text) {
    std::array<int, 256> counts{};
    for (unsigned char c : text) ++counts[c];
    double entropy = 0;
    for (int count : counts) {
        if (count == 0) continue;
        double probability = static_cast<double>(count) / static_cast<double>(text.size());
        entropy -= probability * std::log2(probability);
    }
    return entropy;
}

}  // namespace dossier::rules
