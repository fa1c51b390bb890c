/* rules_usage.c - the usage rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_usage(rv_file *f)
{
    (void)f;
}
