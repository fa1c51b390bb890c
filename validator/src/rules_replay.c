/* rules_replay.c - the replay family: whether a test will ever replay the
 * recording. replay/unused-recording: the recording's test_id (the pytest
 * node id of the test that made it) is in none of the test lists given
 * (--tests, or `tests` in recval.json). A test_id of null, or none at all
 * (the legacy layout), serves every test and is never reported. */
#include "recval_internal.h"

void rv_check_replay(rv_file *f)
{
    if (!f->validator->has_tests)
        return; /* no test list given: every recording may be used */
    json_object *id = rv_get(f->root, "test_id");
    if (!id || !json_object_is_type(id, json_type_string))
        return;
    const char *test = json_object_get_string(id);
    if (rv_test_set_has(&f->validator->tests, test))
        return;
    rv_emit(f, RV_REPLAY_UNUSED_RECORDING, "/test_id",
            "test_id \"%s\" is not among the collected tests: no test will replay this recording",
            test);
}
