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

/* A walk's entry that is not a regular file is kept, marked by this
 * prefix, so that it is reported (tool_is_skipped) in its sorted place. */
static const char SKIP_MARK = '\x01';

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

/* Adds a walk's entry that is not a regular file, marked. */
static void add_skipped(file_list *l, const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 2);
    if (!p)
        abort();
    p[0] = SKIP_MARK;
    memcpy(p + 1, path, n + 1);
    add(l, p);
}

const char *tool_is_skipped(const char *file)
{
    return file[0] == SKIP_MARK ? file + 1 : NULL;
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
        } else if (is_json_name(e->d_name) && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            add_skipped(l, path); /* a FIFO would block, a device never end */
            free(path);
        } else if (is_json_name(e->d_name)) {
            add(l, path);
        } else {
            free(path);
        }
    }
    closedir(d);
}

/* Sorts by the path shown (a skip mark does not count). */
static int cmp_path(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return strcmp(x + (x[0] == SKIP_MARK), y + (y[0] == SKIP_MARK));
}

/* One path and what it names: its resolved path, or itself when it does
 * not resolve (missing files, "-"), so that x.json and ./x.json match. */
typedef struct named {
    char *key;
    size_t index;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static char *resolve(const char *item)
{
    const char *path = item + (item[0] == SKIP_MARK);
    char *real = strcmp(path, "-") == 0 ? NULL : realpath(path, NULL);
    return real ? real : strdup(path);
}

/* Drops paths that name a file already listed, keeping the first
 * occurrence and the order. */
static void drop_repeats(file_list *l)
{
    if (l->n < 2)
        return;
    named *byname = malloc(l->n * sizeof *byname);
    bool *drop = calloc(l->n, sizeof *drop);
    if (!byname || !drop)
        abort();
    for (size_t i = 0; i < l->n; i++)
        byname[i] = (named){resolve(l->items[i]), i};
    qsort(byname, l->n, sizeof *byname, cmp_named);
    for (size_t i = 1; i < l->n; i++)
        if (strcmp(byname[i - 1].key, byname[i].key) == 0)
            drop[byname[i].index] = true; /* a later occurrence of the same file */
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        free(byname[i].key);
        if (drop[i])
            free(l->items[i]);
        else
            l->items[m++] = l->items[i];
    }
    l->n = m;
    free(byname);
    free(drop);
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

int tool_check_entry(const recval_validator *v, const recval_schema *s, const char *file,
                     const char *stdin_name, recval_result *out)
{
    const char *skipped = tool_is_skipped(file);
    if (skipped)
        return recval_skip_file(v, skipped, out);
    if (strcmp(file, "-") == 0)
        return s ? recval_schema_check_fd(v, s, 0, stdin_name, out)
                 : recval_check_fd(v, 0, stdin_name, out);
    return s ? recval_schema_check_file(v, s, file, out) : recval_check_file(v, file, out);
}
