/* tool_files.c - expands the PATH arguments into a sorted list of files. */
#include "tool.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct file_list {
    char **items;
    size_t n, cap;
} file_list;

static void add(file_list *l, char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items)
            abort();
    }
    l->items[l->n++] = path;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] == '/';
    char *p = malloc(a + b + 2);
    if (!p)
        abort();
    memcpy(p, dir, a);
    if (!slash)
        p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

static bool is_json_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Adds every *.json below dir; hidden entries are skipped. */
static void walk_dir(file_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        add(l, strdup(dir)); /* the library reports why it cannot be read */
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = join(dir, e->d_name);
        struct stat st;
        /* Symbolic links to directories are not followed (no loops). */
        bool link_to_dir = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
                           S_ISDIR(st.st_mode);
        if (link_to_dir) {
            free(path);
        } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(l, path);
            free(path);
        } else if (is_json_name(e->d_name)) {
            add(l, path);
        } else {
            free(path);
        }
    }
    closedir(d);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drops repeated paths, keeping the first occurrence and the order. */
static void drop_repeats(file_list *l)
{
    if (l->n < 2)
        return;
    char **sorted = malloc(l->n * sizeof *sorted);
    if (!sorted)
        abort();
    memcpy(sorted, l->items, l->n * sizeof *sorted);
    qsort(sorted, l->n, sizeof *sorted, cmp_path);
    bool any = false;
    for (size_t i = 1; i < l->n && !any; i++)
        any = strcmp(sorted[i - 1], sorted[i]) == 0;
    free(sorted);
    if (!any)
        return;
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        bool seen = false;
        for (size_t k = 0; k < m && !seen; k++)
            seen = strcmp(l->items[k], l->items[i]) == 0;
        if (seen)
            free(l->items[i]);
        else
            l->items[m++] = l->items[i];
    }
    l->n = m;
}

size_t tool_collect_files(char **paths, size_t npaths, char ***out)
{
    file_list l = {0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        size_t first = l.n;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(&l, paths[i]);
            if (l.n - first > 1)
                qsort(l.items + first, l.n - first, sizeof *l.items, cmp_path);
        } else {
            add(&l, strdup(paths[i]));
        }
    }
    drop_repeats(&l);
    *out = l.items;
    return l.n;
}

void tool_free_files(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}
