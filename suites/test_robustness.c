/* test_robustness.c - bad input gets diagnostics, never a crash: every
 * valid recording is mutated member by member and element by element
 * (deleted, or replaced by a value of each JSON type) and each variant is
 * checked: every diagnostic must be a rule of a rule family other than
 * parse/ (the variants are JSON), at a line and column inside the variant.
 * Run under ASan+UBSan in CI, this is where a rule that trusts the shape of
 * its input gets caught. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SITES_PER_FILE 400
#define MAX_DEPTH 7

static recval_validator *validator;

/* A place in the tree: the container and the member name or index. */
typedef struct site {
    json_object *parent;
    char *key; /* NULL for array elements */
    size_t index;
} site;

typedef struct site_list {
    site items[MAX_SITES_PER_FILE];
    size_t n;
    size_t seen; /* sites met, for even sampling */
} site_list;

static void add_site(site_list *l, json_object *parent, const char *key, size_t index)
{
    l->seen++;
    if (l->n < MAX_SITES_PER_FILE) /* own the key: mutations re-insert members */
        l->items[l->n++] = (site){parent, key ? strdup(key) : NULL, index};
}

static void collect_sites(site_list *l, json_object *v, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, child)
        {
            add_site(l, v, key, 0);
            collect_sites(l, child, depth + 1);
        }
    } else if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        /* The first, second and last elements stand for the rest. */
        for (size_t i = 0; i < n; i++) {
            if (i > 1 && i + 1 < n)
                continue;
            add_site(l, v, NULL, i);
            collect_sites(l, json_object_array_get_idx(v, i), depth + 1);
        }
    }
}

static const char *const replacements[] = {
    NULL, /* remove */
    "null", "0", "-1", "1.5e308", "\"\"", "\"x\"", "[]", "{}", "true", "[null]", "[{}]",
};

/* Puts `saved` back at index idx of arr, from which it was deleted. */
static void reinsert(json_object *arr, size_t idx, json_object *saved)
{
    size_t n = json_object_array_length(arr);
    json_object **tail = calloc(n - idx + 1, sizeof *tail);
    for (size_t i = idx; i < n; i++)
        tail[i - idx] = json_object_get(json_object_array_get_idx(arr, i));
    json_object_array_del_idx(arr, idx, n - idx);
    json_object_array_add(arr, saved);
    for (size_t i = idx; i < n; i++)
        json_object_array_add(arr, tail[i - idx]);
    free(tail);
}

/* Serializes root with the site replaced (or deleted: a member removed, an
 * element taken out so that the later ones move up). */
static char *mutate(json_object *root, const site *s, const char *replacement)
{
    json_object *saved = s->key ? json_object_object_get(s->parent, s->key)
                                : json_object_array_get_idx(s->parent, s->index);
    json_object_get(saved);
    json_object *value = replacement ? json_tokener_parse(replacement) : NULL;
    if (s->key) {
        if (replacement)
            json_object_object_add(s->parent, s->key, value);
        else
            json_object_object_del(s->parent, s->key);
    } else if (replacement) {
        json_object_array_put_idx(s->parent, s->index, value);
    } else {
        json_object_array_del_idx(s->parent, s->index, 1);
    }
    char *text = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    if (s->key)
        json_object_object_add(s->parent, s->key, saved);
    else if (replacement)
        json_object_array_put_idx(s->parent, s->index, saved);
    else
        reinsert(s->parent, s->index, saved);
    return text;
}

/* Asserts d names a rule of a family recval has, other than parse/, and
 * a line and column inside text (columns count code points, so at most
 * the line's bytes, plus one past its end). */
static void assert_sane_diag(const recval_diag *d, const char *text)
{
    static const char *const families[] = {
        "envelope/", "schema/", "ids/", "finish-reason/", "usage/", "tool-calls/", "request-hash/"};
    assert_non_null(d->rule);
    assert_ptr_equal(recval_rule_find(d->rule->name), d->rule);
    bool known = false;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        known = known || strncmp(d->rule->name, families[i], strlen(families[i])) == 0;
    if (!known)
        fail_msg("%s: not a family a mutated (still JSON) recording can get", d->rule->name);
    const char *line = text;
    for (unsigned n = 1; n < d->line; n++) {
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    assert_true(d->line >= 1);
    assert_true(d->column >= 1);
    assert_true(d->column <= strcspn(line, "\n") + 1);
}

static void mutate_file(const char *path, void *ud)
{
    size_t *checks = ud;
    json_object *root = json_object_from_file(path);
    assert_non_null(root);
    site_list *l = calloc(1, sizeof *l);
    collect_sites(l, root, 0);
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < sizeof replacements / sizeof replacements[0]; k++) {
            char *text = mutate(root, &l->items[i], replacements[k]);
            recval_result r;
            assert_int_equal(recval_check_buffer(validator, path, text, strlen(text), &r),
                             RECVAL_OK);
            for (size_t d = 0; d < r.ndiags; d++)
                assert_sane_diag(&r.diags[d], text);
            recval_result_free(&r);
            free(text);
            (*checks)++;
        }
    }
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].key);
    free(l);
    json_object_put(root);
}

static void mutated_recordings_never_crash(void **state)
{
    (void)state;
    validator = recval_validator_new(NULL);
    size_t checks = 0;
    size_t files = rvt_each_json(rvt_path("recordings/valid"), mutate_file, &checks);
    print_message("%zu recordings, %zu mutated variants checked\n", files, checks);
    assert_true(files >= 5);
    recval_validator_free(validator);
}

static void truncations_never_crash(void **state)
{
    (void)state;
    validator = recval_validator_new(NULL);
    const char *path =
        rvt_path("recordings/valid/current/tests/integration/responses/recordings/"
                 "8ff1917b614181d58694804c955f8144a3128e54c7c1fd8f1529bb305ed775d0.json");
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    size_t len = fread(buf, 1, 1 << 20, fp);
    fclose(fp);
    for (size_t cut = 0; cut + 2 < len; cut += 7) {
        recval_result r;
        assert_int_equal(recval_check_buffer(validator, path, buf, cut, &r), RECVAL_OK);
        assert_int_equal(r.errors, 1); /* exactly the parse error */
        assert_string_equal(r.diags[0].rule->name, "parse/invalid-json");
        recval_result_free(&r);
    }
    free(buf);
    recval_validator_free(validator);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mutated_recordings_never_crash),
        cmocka_unit_test(truncations_never_crash),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
