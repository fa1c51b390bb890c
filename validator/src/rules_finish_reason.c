/* rules_finish_reason.c - the finish-reason rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_finish_reason(rv_file *f)
{
    (void)f;
}
