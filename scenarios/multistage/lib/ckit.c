#include "ckit/ckit.h"

#define CK_STR2(x) #x
#define CK_STR(x) CK_STR2(x)

const char *ck_version(void)
{
    return CK_STR(CKIT_VERSION_MAJOR) "." CK_STR(CKIT_VERSION_MINOR) "." CK_STR(CKIT_VERSION_PATCH);
}

const char *ck_strerror(ck_status st)
{
    switch (st) {
    case CK_OK: return "success";
    case CK_ENOMEM: return "out of memory";
    case CK_EINVAL: return "malformed input";
    case CK_ERANGE: return "value out of range";
    case CK_ETRUNC: return "input ends early";
    case CK_ENOTFOUND: return "not found";
    }
    return "unknown error";
}
