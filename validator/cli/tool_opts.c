/* tool_opts.c - small helpers for parsing the command line. */
#include "tool.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tool_opt_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

bool tool_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

bool tool_parse_format(const char *s, tool_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = FORMAT_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = FORMAT_JSON;
    else if (strcmp(s, "junit") == 0)
        *out = FORMAT_JUNIT;
    else if (strcmp(s, "sarif") == 0)
        *out = FORMAT_SARIF;
    else if (strcmp(s, "github") == 0)
        *out = FORMAT_GITHUB;
    else if (strcmp(s, "markdown") == 0)
        *out = FORMAT_MARKDOWN;
    else
        return false;
    return true;
}

bool tool_parse_text_or_json(const char *cmd, const char *s, tool_format *out)
{
    if (tool_parse_format(s, out) && (*out == FORMAT_TEXT || *out == FORMAT_JSON))
        return true;
    fprintf(stderr, "recval %s: unknown format '%s'\n", cmd, s);
    return false;
}

int tool_input_opt(int argc, char **argv, int *i, tool_input *in, char *bad, size_t bad_len)
{
    const char *v;
    if ((v = tool_opt_value(argc, argv, i, "--max-memory"))) {
        if (tool_parse_size(v, &in->max_memory))
            return 1;
        snprintf(bad, bad_len, "--max-memory needs a size such as 512M or 2G, not '%s'", v);
        return -1;
    }
    if ((v = tool_opt_value(argc, argv, i, "--stdin-filename"))) {
        if (*v != '\0') {
            in->stdin_name = v;
            return 1;
        }
        snprintf(bad, bad_len, "--stdin-filename needs a PATH");
        return -1;
    }
    return 0;
}

bool tool_parse_size(const char *s, size_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift) {
        end++;
        if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
            end += strlen(end);
    }
    if (errno || *end || n == 0 || n > (SIZE_MAX >> 2) >> shift)
        return false;
    *out = (size_t)n << shift;
    return true;
}
