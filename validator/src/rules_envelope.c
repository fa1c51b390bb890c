/* rules_envelope.c - the envelope rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_envelope(rv_file *f)
{
    (void)f;
}
