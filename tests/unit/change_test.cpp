// Tests of the per-repository write lock that makes dossier processes take turns.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("write lock held elsewhere times out as a conflict") {
    dossier::test::TemporaryFolder folder("lock-test");
    dossier::WriteLock holder(folder.path(), 1s);

    try {
        dossier::WriteLock waiter(folder.path(), 100ms);
        FAIL("the second lock was granted while the first was held");
    } catch (const dossier::Error& error) {
        CHECK(error.kind() == dossier::ErrorKind::conflict);
        CHECK(std::string(error.what()).find(std::to_string(::getpid())) != std::string::npos);
        CHECK_FALSE(error.hint().empty());
    }
}

TEST_CASE("write lock is free again once released") {
    dossier::test::TemporaryFolder folder("lock-test");
    { dossier::WriteLock first(folder.path(), 1s); }

    CHECK_NOTHROW(dossier::WriteLock(folder.path(), 100ms));
    CHECK(fs::exists(folder.path() / "dossier.lock"));
}
