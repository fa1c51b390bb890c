/* rules_ids.c - the ids rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_ids(rv_file *f)
{
    (void)f;
}
