#ifndef CKIT_STATUS_H
#define CKIT_STATUS_H

typedef enum ck_status {
    CK_OK = 0,
    CK_ENOMEM,      /* allocation failed */
    CK_EINVAL,      /* malformed input */
    CK_ERANGE,      /* value out of range */
    CK_ETRUNC,      /* input ended early */
    CK_ENOTFOUND    /* no such entry */
} ck_status;

const char *ck_strerror(ck_status st);

#endif
