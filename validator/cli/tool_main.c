/* tool_main.c - placeholder */
#include "recval.h"
#include <stdio.h>
int main(int argc, char **argv)
{
    recval_validator *v = recval_validator_new(NULL);
    for (int i = 1; i < argc; i++) {
        recval_result r;
        recval_check_file(v, argv[i], &r);
        for (size_t k = 0; k < r.ndiags; k++)
            printf("%s:%u:%u: %s: %s [%s] %s\n", r.path, r.diags[k].line, r.diags[k].column, recval_severity_name(r.diags[k].severity), r.diags[k].message, r.diags[k].rule->name, r.diags[k].pointer);
        printf("%s kind=%s\n", r.path, r.kind);
        recval_result_free(&r);
    }
    recval_validator_free(v);
    return 0;
}
