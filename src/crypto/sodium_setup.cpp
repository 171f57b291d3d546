#include "sodium_setup.hpp"

#include <sodium.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::crypto {

void ensure_sodium() {
    static const int status = sodium_init();  // 0 on first success, 1 when already done
    if (status < 0) throw Error(ErrorKind::io, tr("cannot initialise the libsodium cryptography library"));
}

}  // namespace dossier::crypto
