// A fresh folder for one test, removed with its contents when the test ends.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace dossier::test {

class TemporaryFolder {
public:
    // Creates <system temporary folder>/dossier-<prefix>-XXXXXX with mkdtemp, so parallel tests
    // never share a folder. The path is canonical, as the code under test compares paths.
    explicit TemporaryFolder(const std::string& prefix = "test") {
        std::string pattern = (std::filesystem::temp_directory_path() / ("dossier-" + prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("failed to create " + pattern);
        path_ = std::filesystem::canonical(pattern);
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace dossier::test
