/* jsonc_parse_only.c - the benchmark's baselines: reads each file named in
 * the list file (one path per line) and parses it with json-c, nothing else.
 *   jsonc_parse_only LIST          strict: as recval's loader does (strict,
 *                                  UTF-8 validation, shallow tokener first,
 *                                  depth 10000 for deeper files)
 *   jsonc_parse_only --plain LIST  plain: json_object_from_file, then free
 * Prints the number of files parsed. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static json_object *parse(const char *text, size_t len, int depth)
{
    struct json_tokener *tok = json_tokener_new_ex(depth);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    json_tokener_free(tok);
    return root;
}

int main(int argc, char **argv)
{
    char path[8192];
    size_t files = 0;
    int plain = argc > 2 && strcmp(argv[1], "--plain") == 0;
    FILE *list = argc > 1 ? fopen(argv[argc - 1], "r") : NULL;
    if (!list) {
        fputs("usage: jsonc_parse_only [--plain] LIST\n", stderr);
        return 2;
    }
    while (fgets(path, sizeof path, list)) {
        path[strcspn(path, "\n")] = '\0';
        if (plain) {
            json_object *root = json_object_from_file(path);
            files += root != NULL;
            json_object_put(root);
            continue;
        }
        size_t len;
        char *text = slurp(path, &len);
        if (!text)
            continue;
        json_object *root = parse(text, len, 128);
        if (!root)
            root = parse(text, len, 10000);
        json_object_put(root);
        free(text);
        files++;
    }
    fclose(list);
    printf("%zu\n", files);
    return 0;
}
