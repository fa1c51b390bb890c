/* rules_schema.c - the schema rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_schema(rv_file *f)
{
    (void)f;
}
