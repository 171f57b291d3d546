#include "dossier/line_merge.hpp"

#include "dossier/git_repository.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

git_merge_file_input input_of(std::string_view text) {
    git_merge_file_input input = GIT_MERGE_FILE_INPUT_INIT;
    input.ptr = text.data();
    input.size = text.size();
    return input;
}

struct MergeFileResult {
    git_merge_file_result result{};
    ~MergeFileResult() { git_merge_file_result_free(&result); }
};

}  // namespace

LineMerge merge_lines(std::string_view base, std::string_view ours, std::string_view theirs) {
    const Library library;
    auto base_input = input_of(base);
    auto our_input = input_of(ours);
    auto their_input = input_of(theirs);
    git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
    options.our_label = "ours";
    options.their_label = "theirs";

    MergeFileResult merged;
    if (git_merge_file(&merged.result, &base_input, &our_input, &their_input, &options) < 0) {
        throw_git(tr("failed to merge the versions of a file line by line"));
    }
    LineMerge result;
    if (merged.result.ptr != nullptr) result.text.assign(merged.result.ptr, merged.result.len);
    result.clean = merged.result.automergeable != 0;
    return result;
}

}  // namespace dossier::git
