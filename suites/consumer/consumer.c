/* consumer.c - a program outside recval, built against an installed recval
 * by scripts/check-install.sh: prints the library's version, then each
 * file's error count. */
#include <recval.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    recval_validator *v = recval_validator_new(NULL);
    if (!v)
        return 2;
    printf("recval %s\n", recval_version());
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        recval_result r;
        if (recval_check_file(v, argv[i], &r) != RECVAL_OK) {
            rc = 2;
            break;
        }
        printf("%s: %zu errors\n", argv[i], r.errors);
        recval_result_free(&r);
    }
    recval_validator_free(v);
    return rc;
}
