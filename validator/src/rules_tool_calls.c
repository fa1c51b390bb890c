/* rules_tool_calls.c - the tool-calls rule family (placeholder until its checks land). */
#include "recval_internal.h"

void rv_check_tool_calls(rv_file *f)
{
    (void)f;
}
