/* test_fix.c - `recval fix` and its library API on fixtures copied to a
 * temporary directory: a stale-scheme file renamed with its ids rewritten
 * byte for byte (every other byte unchanged), a name-mismatch renamed only
 * with --unsafe (or safely when its ids already carry the request's
 * hash), unreproducible files never touched, a taken name and a conflict
 * group (nothing renamed), a file changed on disk since it was planned, a
 * read-only file and directory (judged by the mode bits, so the check holds
 * under root too), the dry run, the link+unlink fallback, a second run that
 * changes nothing, and the command's exact output and exit statuses. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fix.h"
#include "fixtures.h"
#include "suite_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RH "recordings/invalid/request-hash/"
#define STALE_OLD "5b312e19264a7c6b0f5d614de2a76fbba54cbdf9b240da8a686410ed085b6204"
#define STALE_NEW "a6987c80de64c06997cbbf1e91bd999a183bb57f3c37f878d93a6fb88c980e02"
#define STALE RH "stale-current-raw/tests/integration/responses/recordings/" STALE_OLD ".json"
#define EDITED_OLD "7908ac7256624e599a420e1652207f1b565d6b9fbecb65992893be4eeb05fc80"
#define EDITED_NEW "61403748ce28b1327db611f203b715c9104040bb145fa2db8749dd0a9117fbd6"
#define EDITED                                                                                     \
    RH "name-mismatch-edited-prompt/tests/integration/inference/recordings/" EDITED_OLD ".json"
#define LEGACY RH "name-mismatch-legacy-layout/recordings/responses/ab11fab0d6a4.json"
#define BIG_SEED                                                                                   \
    RH "unreproducible-big-seed/tests/integration/inference/recordings/"                           \
       "4a560ca7019caeec3d1ebb6f99239d6a6f747155114baa6a03491ef870b87d9a.json"

static char tmpdir[] = "/tmp/recval-fix-XXXXXX";

/* --- scratch files ----------------------------------------------------- */

/* A new directory tmpdir/name (a static buffer). */
static const char *fresh_dir(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

static char *join(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Copies the fixture src to dir/name, replacing every `from` (may be
 * NULL) by `to` of the same length; returns the new path. */
static char *put(const char *dir, const char *name, const char *src, const char *from,
                 const char *to)
{
    size_t len;
    char *text = rvt_read_file(rvt_path(src), &len);
    assert_non_null(text);
    for (char *hit = from ? strstr(text, from) : NULL; hit; hit = strstr(hit, from))
        memcpy(hit, to, strlen(to));
    char *path = join(dir, name);
    write_bytes(path, text, len);
    free(text);
    return path;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Asserts the file at path holds exactly `len` bytes of `text`. */
static void assert_bytes(const char *path, const char *text, size_t len)
{
    size_t n;
    char *now = rvt_read_file(path, &n);
    assert_non_null(now);
    assert_int_equal(n, len);
    assert_memory_equal(now, text, len);
    free(now);
}

/* Asserts `after` is `before` with exactly the plan's id edits: same
 * length, the 12 digits at each offset changed, every other byte equal. */
static void assert_only_ids_changed(const char *before, size_t len, const char *after_path,
                                    const recval_fix_plan *p)
{
    size_t n;
    char *after = rvt_read_file(after_path, &n);
    assert_non_null(after);
    assert_int_equal(n, len);
    size_t e = 0;
    for (size_t i = 0; i < len; i++) {
        while (e < p->nedits && i >= p->edits[e].offset + 12)
            e++;
        bool in_edit = e < p->nedits && i >= p->edits[e].offset;
        if (in_edit)
            assert_int_equal(after[i], p->edits[e].to[i - p->edits[e].offset]);
        else if (after[i] != before[i])
            fail_msg("byte %zu changed outside an id edit", i);
    }
    free(after);
}

/* Asserts recval validate would report none of the rules fix addresses. */
static void assert_fixed(const char *path)
{
    recval_result r = rvt_check(path);
    size_t bad = rvt_count(&r, "request-hash/name-mismatch") +
                 rvt_count(&r, "request-hash/stale-scheme") +
                 rvt_count(&r, "ids/normalized-id-mismatch");
    if (bad)
        rvt_print_diags(&r);
    assert_int_equal(bad, 0);
    recval_result_free(&r);
}

static recval_fix_plan plan_of(const char *path)
{
    recval_fix_plan p;
    assert_int_equal(recval_fix_plan_file(rvt_validator(), path, &p), RECVAL_OK);
    return p;
}

static recval_fix_outcome apply(const recval_fix_plan *p, unsigned flags)
{
    recval_fix_outcome o;
    recval_fix_apply(rvt_validator(), p, flags, &o);
    return o;
}

/* --- safe, unsafe, never ------------------------------------------------- */

static void stale_scheme_is_renamed_and_ids_rewritten_in_place(void **state)
{
    (void)state;
    const char *dir = fresh_dir("stale");
    char *path = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    char *target = join(dir, STALE_NEW ".json");
    size_t len;
    char *before = rvt_read_file(path, &len);
    recval_fix_plan p = plan_of(path);
    assert_string_equal(p.problem, "request-hash/stale-scheme");
    assert_int_equal(p.safety, RECVAL_FIX_SAFE);
    assert_string_equal(p.new_path, target);
    assert_int_equal(p.target_exists, 0);
    assert_int_equal(p.nedits, 1);
    assert_string_equal(p.edits[0].from, "5b312e19264a");
    assert_string_equal(p.edits[0].to, "a6987c80de64");
    assert_memory_equal(before + p.edits[0].offset - 5, "\"rec-5b312e19264a\"", 18);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_DONE);
    assert_false(exists(path));
    assert_only_ids_changed(before, len, target, &p);
    assert_fixed(target);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644); /* the mode it had */
    recval_fix_plan again = plan_of(target);   /* idempotent */
    assert_null(again.problem);
    assert_null(again.new_path);
    recval_fix_plan_free(&again);
    recval_fix_plan_free(&p);
    free(before);
    free(target);
    free(path);
}

static void name_mismatch_with_old_ids_needs_unsafe(void **state)
{
    (void)state;
    const char *dir = fresh_dir("unsafe");
    char *path = put(dir, EDITED_OLD ".json", EDITED, NULL, NULL);
    char *target = join(dir, EDITED_NEW ".json");
    size_t len;
    char *before = rvt_read_file(path, &len);
    recval_fix_plan p = plan_of(path);
    assert_string_equal(p.problem, "request-hash/name-mismatch");
    assert_int_equal(p.safety, RECVAL_FIX_UNSAFE);
    assert_non_null(strstr(p.reason, "carry the old name's hash"));
    assert_int_equal(p.nedits, 4);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_NEEDS_UNSAFE);
    assert_bytes(path, before, len);
    assert_false(exists(target));
    assert_int_equal(apply(&p, RECVAL_FIX_ALLOW_UNSAFE), RECVAL_FIX_DONE);
    assert_false(exists(path));
    assert_only_ids_changed(before, len, target, &p);
    assert_fixed(target);
    recval_fix_plan_free(&p);
    free(before);
    free(target);
    free(path);
}

static void name_mismatch_with_request_ids_is_safe(void **state)
{
    (void)state;
    const char *dir = fresh_dir("safe-mismatch");
    const char *wrong = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.json";
    char *path = put(dir, wrong, STALE, "rec-5b312e19264a", "rec-a6987c80de64");
    char *target = join(dir, STALE_NEW ".json");
    size_t len;
    char *before = rvt_read_file(path, &len);
    recval_fix_plan p = plan_of(path);
    assert_string_equal(p.problem, "request-hash/name-mismatch");
    assert_int_equal(p.safety, RECVAL_FIX_SAFE);
    assert_int_equal(p.nedits, 0);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_DONE);
    assert_bytes(target, before, len);
    assert_fixed(target);
    recval_fix_plan_free(&p);
    free(before);
    free(target);
    free(path);
}

static void ids_of_no_known_hash_are_never_fixed(void **state)
{
    (void)state;
    const char *dir = fresh_dir("foreign");
    const char *wrong = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.json";
    char *path = put(dir, wrong, STALE, NULL, NULL);
    recval_fix_plan p = plan_of(path);
    assert_int_equal(p.safety, RECVAL_FIX_NEVER);
    assert_non_null(strstr(p.reason, "\"rec-5b312e19264a\" (at /response/body/__data__/id)"));
    assert_int_equal(apply(&p, RECVAL_FIX_ALLOW_UNSAFE), RECVAL_FIX_SKIPPED);
    assert_true(exists(path));
    recval_fix_plan_free(&p);
    free(path);
}

static void unreproducible_is_never_fixed(void **state)
{
    (void)state;
    const char *dir = fresh_dir("never");
    char *path = put(dir, "4a560ca7019caeec3d1ebb6f99239d6a6f747155114baa6a03491ef870b87d9a.json",
                     BIG_SEED, NULL, NULL);
    recval_fix_plan p = plan_of(path);
    assert_string_equal(p.problem, "request-hash/unreproducible");
    assert_int_equal(p.safety, RECVAL_FIX_NEVER);
    assert_null(p.new_path);
    assert_int_equal(apply(&p, RECVAL_FIX_ALLOW_UNSAFE), RECVAL_FIX_SKIPPED);
    assert_true(exists(path));
    recval_fix_plan_free(&p);
    free(path);
}

/* A 12-digit name is read only from responses/; elsewhere it gets the
 * current scheme's name. */
static void legacy_names_only_in_responses_dirs(void **state)
{
    (void)state;
    const char *dir = fresh_dir("responses");
    char *in_responses = put(dir, "ab11fab0d6a4.json", LEGACY, NULL, NULL);
    recval_fix_plan p = plan_of(in_responses);
    char *legacy_target = join(dir, "8f9489d646ed.json");
    assert_string_equal(p.new_path, legacy_target);
    recval_fix_plan_free(&p);
    dir = fresh_dir("recordings");
    char *elsewhere = put(dir, "ab11fab0d6a4.json", LEGACY, NULL, NULL);
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), elsewhere, &h), RECVAL_OK);
    char name[80];
    snprintf(name, sizeof name, "%s.json", h.current);
    char *current_target = join(dir, name);
    p = plan_of(elsewhere);
    assert_string_equal(p.new_path, current_target);
    assert_int_equal(apply(&p, RECVAL_FIX_ALLOW_UNSAFE), RECVAL_FIX_DONE);
    assert_fixed(current_target);
    recval_fix_plan_free(&p);
    recval_hashes_free(&h);
    free(current_target);
    free(legacy_target);
    free(elsewhere);
    free(in_responses);
}

/* --- never losing data --------------------------------------------------- */

static void taken_name_is_a_conflict(void **state)
{
    (void)state;
    const char *dir = fresh_dir("conflict");
    char *path = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    char *target = join(dir, STALE_NEW ".json");
    write_bytes(target, "{}\n", 3);
    size_t len;
    char *before = rvt_read_file(path, &len);
    recval_fix_plan p = plan_of(path);
    assert_int_equal(p.target_exists, 1);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_CONFLICT);
    assert_non_null(strstr(recval_last_error(), "already exists: neither file touched"));
    assert_bytes(path, before, len);
    assert_bytes(target, "{}\n", 3);
    char *out, *err, expected[1024];
    assert_int_equal(rvt_recval(&out, &err, "fix", path, NULL), 1);
    snprintf(expected, sizeof expected,
             "%s: conflict: %s already exists: neither file touched\n0 renamed (0 ids "
             "rewritten), 0 need --unsafe, 1 conflicts, 0 conflict groups (0 files), 0 skipped "
             "(never fixed), 0 changed on disk, 0 read-only, 0 errors\n",
             path, target);
    assert_string_equal(out, expected);
    free(out);
    free(err);
    assert_bytes(path, before, len);
    recval_fix_plan_free(&p);
    free(before);
    free(target);
    free(path);
}

/* The same request under two stale names (current_raw, whole legacy hash):
 * both want one name, neither is renamed. */
static void files_wanting_one_name_form_a_conflict_group(void **state)
{
    (void)state;
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), rvt_path(STALE), &h), RECVAL_OK);
    const char *dir = fresh_dir("group");
    char legacy_name[80], legacy_id[17];
    snprintf(legacy_name, sizeof legacy_name, "%s.json", h.legacy);
    snprintf(legacy_id, sizeof legacy_id, "rec-%.12s", h.legacy);
    recval_fix_plan plans[2];
    char *paths[2] = {put(dir, STALE_OLD ".json", STALE, NULL, NULL),
                      put(dir, legacy_name, STALE, "rec-5b312e19264a", legacy_id)};
    for (int i = 0; i < 2; i++) {
        plans[i] = plan_of(paths[i]);
        assert_int_equal(plans[i].safety, RECVAL_FIX_SAFE);
    }
    assert_string_equal(plans[0].new_path, plans[1].new_path);
    size_t grouped = 0;
    assert_int_equal(recval_fix_conflicts(plans, 2, 0, &grouped), RECVAL_OK);
    assert_int_equal(grouped, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(plans[i].conflict_group, 2);
        assert_int_equal(apply(&plans[i], 0), RECVAL_FIX_CONFLICT_GROUP);
        assert_true(exists(paths[i]));
        recval_fix_plan_free(&plans[i]);
        free(paths[i]);
    }
    char *target = join(dir, STALE_NEW ".json");
    assert_false(exists(target));
    char *out, *err, expected[2048];
    assert_int_equal(rvt_recval(&out, &err, "fix", dir, NULL), 1);
    const char *first = strcmp(STALE_OLD, h.legacy) < 0 ? STALE_OLD : h.legacy;
    const char *second = first == h.legacy ? STALE_OLD : h.legacy;
    snprintf(expected, sizeof expected,
             "%s/%s.json: conflict-group: also wanted by %s/%s.json; 2 files want the name %s: "
             "none renamed\n"
             "%s/%s.json: conflict-group: also wanted by %s/%s.json; 2 files want the name %s: "
             "none renamed\n"
             "0 renamed (0 ids rewritten), 0 need --unsafe, 0 conflicts, 1 conflict groups (2 "
             "files), 0 skipped (never fixed), 0 changed on disk, 0 read-only, 0 errors\n",
             dir, first, dir, second, target, dir, second, dir, first, target);
    assert_string_equal(out, expected);
    assert_false(exists(target));
    free(out);
    free(err);
    free(target);
    recval_hashes_free(&h);
}

/* Same size, same mtime, other content: the digest tells. */
static void file_changed_since_planned_is_left_alone(void **state)
{
    (void)state;
    const char *dir = fresh_dir("changed");
    char *path = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    recval_fix_plan p = plan_of(path);
    size_t len;
    char *text = rvt_read_file(path, &len);
    text[len - 2] = text[len - 2] == ' ' ? '\t' : ' '; /* whitespace before the last '}' */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    write_bytes(path, text, len);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_CHANGED);
    assert_bytes(path, text, len);
    assert_false(exists(p.new_path));
    recval_fix_plan_free(&p);
    free(text);
    free(path);
}

static void read_only_file_and_directory_are_reported(void **state)
{
    (void)state;
    const char *dir = fresh_dir("read-only");
    char *dir_copy = strdup(dir);
    char *path = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    recval_fix_plan p = plan_of(path);
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_READ_ONLY);
    assert_non_null(strstr(recval_last_error(), "the file is read-only"));
    assert_int_equal(chmod(path, 0644), 0);
    recval_fix_plan_free(&p);
    p = plan_of(path);
    assert_int_equal(chmod(dir_copy, 0555), 0);
    assert_int_equal(apply(&p, 0), RECVAL_FIX_READ_ONLY);
    assert_non_null(strstr(recval_last_error(), "is not writable"));
    assert_int_equal(chmod(dir_copy, 0755), 0);
    assert_true(exists(path));
    assert_false(exists(p.new_path));
    recval_fix_plan_free(&p);
    free(path);
    free(dir_copy);
}

static void dry_run_touches_nothing(void **state)
{
    (void)state;
    const char *dir = fresh_dir("dry-run");
    char *path = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    size_t len;
    char *before = rvt_read_file(path, &len);
    recval_fix_plan p = plan_of(path);
    assert_int_equal(apply(&p, RECVAL_FIX_DRY_RUN), RECVAL_FIX_DONE);
    assert_bytes(path, before, len);
    assert_false(exists(p.new_path));
    recval_fix_plan_free(&p);
    free(before);
    free(path);
}

static void rename_never_replaces(void **state)
{
    (void)state;
    const char *dir = fresh_dir("noreplace");
    char *a = join(dir, "a"), *b = join(dir, "b");
    write_bytes(a, "A", 1);
    write_bytes(b, "B", 1);
    for (int force_link = 0; force_link < 2; force_link++) {
        errno = 0;
        assert_int_equal(rv_fix_rename_noreplace(a, b, force_link), -1);
        assert_int_equal(errno, EEXIST);
        assert_bytes(a, "A", 1);
        assert_bytes(b, "B", 1);
    }
    assert_int_equal(unlink(b), 0);
    assert_int_equal(rv_fix_rename_noreplace(a, b, true), 0); /* the link+unlink fallback */
    assert_false(exists(a));
    assert_bytes(b, "A", 1);
    assert_int_equal(rv_fix_rename_noreplace(b, a, false), 0);
    assert_bytes(a, "A", 1);
    free(a);
    free(b);
}

/* --- the command --------------------------------------------------------- */

static void command_output_exit_status_and_second_run(void **state)
{
    (void)state;
    const char *dir = fresh_dir("cli");
    char *stale = put(dir, STALE_OLD ".json", STALE, NULL, NULL);
    char *edited = put(dir, EDITED_OLD ".json", EDITED, NULL, NULL);
    char *out, *err, expected[8192];
    assert_int_equal(rvt_recval(&out, &err, "fix", "--dry-run", dir, NULL), 1);
    snprintf(expected, sizeof expected,
             "%s/%s.json: would rename to %s/%s.json (1 ids rewritten) [safe, "
             "request-hash/stale-scheme]\n"
             "%s/%s.json: needs-unsafe: rename to %s/%s.json (4 ids rewritten): the normalized "
             "ids carry the old name's hash, not the request's: the request was changed after "
             "recording; right only if the test now sends exactly the stored request\n"
             "1 would be renamed (1 ids rewritten), 1 need --unsafe, 0 conflicts, 0 conflict "
             "groups (0 files), 0 skipped (never fixed), 0 changed on disk, 0 read-only, 0 "
             "errors\n",
             dir, STALE_OLD, dir, STALE_NEW, dir, EDITED_OLD, dir, EDITED_NEW);
    assert_string_equal(out, expected);
    assert_true(exists(stale));
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--format=json", dir, NULL), 1);
    snprintf(expected, sizeof expected,
             "[\n{\"path\":\"%s/%s.json\",\"action\":\"rename\",\"new_path\":\"%s/%s.json\","
             "\"ids_rewritten\":1,\"safety\":\"safe\",\"problem\":\"request-hash/stale-scheme\","
             "\"reason\":\"the name is the request's current_raw hash, a scheme the current "
             "recorder no longer uses\"},\n"
             "{\"path\":\"%s/%s.json\",\"action\":\"needs-unsafe\",\"new_path\":\"%s/%s.json\","
             "\"ids_rewritten\":0,\"safety\":\"unsafe\",\"problem\":\"request-hash/name-mismatch\","
             "\"reason\":\"the normalized ids carry the old name's hash, not the request's: the "
             "request was changed after recording; right only if the test now sends exactly the "
             "stored request\"}\n]\n",
             dir, STALE_OLD, dir, STALE_NEW, dir, EDITED_OLD, dir, EDITED_NEW);
    assert_string_equal(out, expected);
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--unsafe", dir, NULL), 0);
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--unsafe", dir, NULL), 0); /* idempotent */
    assert_string_equal(out, "0 renamed (0 ids rewritten), 0 need --unsafe, 0 conflicts, 0 "
                             "conflict groups (0 files), 0 skipped (never fixed), 0 changed on "
                             "disk, 0 read-only, 0 errors\n");
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--dry-run", dir, NULL), 0);
    free(out);
    free(err);
    free(stale);
    free(edited);
}

static void command_usage_errors(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "fix", NULL), 2);
    assert_non_null(strstr(err, "recval fix: no PATH given"));
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--format=junit", ".", NULL), 2);
    assert_non_null(strstr(err, "recval fix: unknown format 'junit'"));
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "fix", "--force", ".", NULL), 2);
    free(out);
    free(err);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "chmod -R u+w %s && rm -rf %s", tmpdir, tmpdir);
    int rc = system(cmd);
    return rvt_free_validator(state) || rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stale_scheme_is_renamed_and_ids_rewritten_in_place),
        cmocka_unit_test(name_mismatch_with_old_ids_needs_unsafe),
        cmocka_unit_test(name_mismatch_with_request_ids_is_safe),
        cmocka_unit_test(ids_of_no_known_hash_are_never_fixed),
        cmocka_unit_test(unreproducible_is_never_fixed),
        cmocka_unit_test(legacy_names_only_in_responses_dirs),
        cmocka_unit_test(taken_name_is_a_conflict),
        cmocka_unit_test(files_wanting_one_name_form_a_conflict_group),
        cmocka_unit_test(file_changed_since_planned_is_left_alone),
        cmocka_unit_test(read_only_file_and_directory_are_reported),
        cmocka_unit_test(dry_run_touches_nothing),
        cmocka_unit_test(rename_never_replaces),
        cmocka_unit_test(command_output_exit_status_and_second_run),
        cmocka_unit_test(command_usage_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
