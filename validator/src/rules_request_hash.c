/* rules_request_hash.c - the request-hash rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_request_hash(rv_file *f)
{
    (void)f;
}
