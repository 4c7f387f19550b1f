/* ckit: a small checksum, codec and text toolkit.  Umbrella header. */
#ifndef CKIT_CKIT_H
#define CKIT_CKIT_H

#include "ckit/status.h"
#include "ckit/hash.h"
#include "ckit/digest.h"
#include "ckit/codec.h"
#include "ckit/text.h"
#include "ckit/container.h"
#include "ckit/num.h"

#define CKIT_VERSION_MAJOR 1
#define CKIT_VERSION_MINOR 4
#define CKIT_VERSION_PATCH 2

const char *ck_version(void);

#endif
