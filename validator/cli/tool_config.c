/* tool_config.c - the configuration files of `recval validate`: finds
 * recval.json upward from each PATH (as ruff finds pyproject.toml), or
 * takes --config, loads each file once through the library, makes one
 * validator per file used, and tells which validator checks which
 * collected file and which walked files are config files (skipped). */
#include "tool.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* path made absolute, "." and ".." components removed (no link
 * resolution: the PATH may not exist). */
static char *absolute(const char *path)
{
    char cwd[PATH_MAX];
    size_t cap = strlen(path) + sizeof cwd + 2, n = 0;
    char *out = malloc(cap), *in = malloc(cap);
    if (!out || !in)
        abort();
    snprintf(in, cap, "%s/%s", path[0] == '/' ? "" : (getcwd(cwd, sizeof cwd) ? cwd : ""), path);
    for (const char *p = in; *p;) {
        size_t k = strcspn(p, "/");
        if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[--n] != '/')
                ;
        } else if (k > 0 && !(k == 1 && p[0] == '.')) {
            out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
        }
        p += k + (p[k] == '/');
    }
    out[n] = '\0';
    free(in);
    return out; /* "" is the root */
}

/* The recval.json in PATH (a directory) or PATH's directory, or in the
 * nearest parent that has one; NULL when none has. */
static char *find_upward(const char *path)
{
    struct stat st;
    char *dir = absolute(path);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
    }
    size_t cap = strlen(dir) + sizeof RECVAL_CONFIG_NAME + 2;
    char *candidate = malloc(cap);
    if (!candidate)
        abort();
    for (;;) {
        snprintf(candidate, cap, "%s/%s", dir, RECVAL_CONFIG_NAME);
        if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode))
            break;
        char *slash = strrchr(dir, '/');
        if (!slash) {
            free(candidate);
            candidate = NULL;
            break;
        }
        *slash = '\0';
    }
    free(dir);
    return candidate;
}

static bool same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* The index of the config at path in rc, loading it when new; -1 (having
 * printed why) when it cannot be used. */
static long config_index(tool_run_config *rc, const char *path)
{
    for (size_t i = 0; i < rc->nconfigs; i++)
        if (same_file(recval_config_path(rc->configs[i]), path))
            return (long)i;
    recval_config *c = recval_config_load(path);
    if (!c) {
        for (const char *e = recval_last_error(); *e;) { /* one problem a line */
            size_t n = strcspn(e, "\n");
            fprintf(stderr, "recval validate: %.*s\n", (int)n, e);
            e += n + (e[n] == '\n');
        }
        return -1;
    }
    rc->configs = realloc(rc->configs, (rc->nconfigs + 1) * sizeof *rc->configs);
    if (!rc->configs)
        abort();
    rc->configs[rc->nconfigs] = c;
    return (long)rc->nconfigs++;
}

int tool_run_config_load(tool_run_config *rc, char **paths, size_t npaths, const char *config,
                         bool no_config, const recval_options *base)
{
    memset(rc, 0, sizeof *rc);
    rc->config_of_path = calloc(npaths + 1, sizeof *rc->config_of_path);
    long *index = calloc(npaths + 1, sizeof *index);
    if (!rc->config_of_path || !index)
        abort();
    int status = -1;
    for (size_t i = 0; i < npaths && status < 0; i++) {
        char *found = no_config ? NULL : config ? strdup(config) : find_upward(paths[i]);
        index[i] = found ? config_index(rc, found) : -2;
        if (index[i] == -1)
            status = TOOL_EXIT_USAGE;
        free(found);
    }
    rc->validators = calloc(rc->nconfigs + 1, sizeof *rc->validators);
    if (!rc->validators)
        abort();
    for (size_t i = 0; i < npaths && status < 0; i++) {
        size_t k = index[i] < 0 ? rc->nconfigs : (size_t)index[i];
        rc->config_of_path[i] = k;
        if (rc->validators[k])
            continue;
        recval_options opts = *base;
        opts.config = k < rc->nconfigs ? rc->configs[k] : NULL;
        if (!(rc->validators[k] = recval_validator_new(&opts))) {
            fprintf(stderr, "recval validate: %s\n", recval_last_error());
            status = TOOL_EXIT_USAGE;
        }
    }
    free(index);
    return status;
}

/* The PATH file was collected from: itself, or the first directory PATH
 * it lies in. */
static size_t path_of_file(char **paths, size_t npaths, const char *file)
{
    for (size_t i = 0; i < npaths; i++) {
        size_t n = strlen(paths[i]);
        if (strcmp(file, paths[i]) == 0 || (strncmp(file, paths[i], n) == 0 && n > 0 &&
                                            (paths[i][n - 1] == '/' || file[n] == '/')))
            return i;
    }
    return 0;
}

const recval_validator *tool_run_config_validator(const tool_run_config *rc, char **paths,
                                                  size_t npaths, const char *file)
{
    return rc->validators[rc->config_of_path[path_of_file(paths, npaths, file)]];
}

bool tool_run_config_skips(const tool_run_config *rc, char **paths, size_t npaths, const char *file)
{
    for (size_t i = 0; i < npaths; i++)
        if (strcmp(file, paths[i]) == 0)
            return false; /* given by name: checked whatever it is */
    const char *slash = strrchr(file, '/');
    if (strcmp(slash ? slash + 1 : file, RECVAL_CONFIG_NAME) == 0)
        return true;
    for (size_t i = 0; i < rc->nconfigs; i++)
        if (same_file(recval_config_path(rc->configs[i]), file))
            return true;
    return false;
}

bool tool_run_config_strict(const tool_run_config *rc)
{
    for (size_t i = 0; i < rc->nconfigs; i++)
        if (recval_config_strict(rc->configs[i]) == 1)
            return true;
    return false;
}

void tool_run_config_free(tool_run_config *rc)
{
    for (size_t i = 0; rc->validators && i <= rc->nconfigs; i++)
        recval_validator_free(rc->validators[i]);
    for (size_t i = 0; i < rc->nconfigs; i++)
        recval_config_free(rc->configs[i]);
    free(rc->validators);
    free(rc->configs);
    free(rc->config_of_path);
    memset(rc, 0, sizeof *rc);
}
