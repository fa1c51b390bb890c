/* tmptree.c - temporary directory trees for the suites (see tmptree.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "tmptree.h"
#include "fixtures.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *rvt_mktree(const char *tag)
{
    char tmpl[256];
    snprintf(tmpl, sizeof tmpl, "/tmp/recval-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(tmpl));
    return strdup(tmpl);
}

/* mkdir -p of the directories of path. */
static void make_parents(char *path)
{
    for (char *p = path + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
}

static void write_bytes(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

const char *rvt_put(const char *dir, const char *rel, const char *text)
{
    static char paths[8][4096];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof paths[0], "%s/%s", dir, rel);
    make_parents(path);
    write_bytes(path, text, strlen(text));
    return path;
}

const char *rvt_copy(const char *dir, const char *rel, const char *src)
{
    size_t len;
    char *text = rvt_read_file(rvt_path(src), &len);
    assert_non_null(text);
    const char *path = rvt_put(dir, rel, "");
    write_bytes(path, text, len);
    free(text);
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void rvt_rmtree(char *dir)
{
    if (dir && strncmp(dir, "/tmp/recval-", 12) == 0)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}
