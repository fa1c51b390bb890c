/* replay.h - the pieces of the replay engine (replay*.c) shared between
 * its files: the request being replayed, the answer of the recordings
 * found, and the report of a miss (nearest recordings, body diffs). The
 * public side is the recval_hash_* and recval_replay* API in recval.h. */
#ifndef RECVAL_REPLAY_H
#define RECVAL_REPLAY_H

#include "recval_internal.h"
#include "reqhash.h"

/* At most this many body differences are kept per nearest recording. */
#define REPLAY_MAX_DIFFS 10

/* A request to replay or hash, parsed from the text the caller gave. */
typedef struct replay_request {
    rv_file file;         /* the parsed text (a request object or a whole recording) */
    json_object *request; /* the request object, borrowed from file.root */
    json_object *test_id; /* the test id hashed (owned; NULL for none) */
    reqhash_result hashes;
} replay_request;

/* Parses and hashes a request given as JSON text (see recval_hash_request)
 * under test_id (NULL: the recording's or request's own). Returns
 * RECVAL_OK or RECVAL_EINVAL with the error set. */
int rv_replay_request_parse(const recval_validator *v, const char *json, size_t len,
                            const char *test_id, replay_request *out);
void rv_replay_request_free(replay_request *r);

/* The name the current recorder gives a file of these hashes
 * (<hash>.json, models-<hash>-<digest>.json); legacy-layout files (named
 * by 12 hex digits) get their legacy name. A heap string, NULL when
 * unknown (file processors). */
char *rv_replay_expected_name(const reqhash_result *r, bool legacy_layout);

/* The paths dir/<name> of the entries of dir that want(name, ud) accepts,
 * sorted; *n gets their count (0, and NULL, when dir cannot be read).
 * Freed with rv_replay_free_list(). */
char **rv_replay_list_dir(const char *dir, bool (*want)(const char *name, const void *ud),
                          const void *ud, size_t *n);
void rv_replay_free_list(char **list, size_t n);
/* The status of a failed rv_file_load (RECVAL_EIO: the file could not be
 * read; RECVAL_EINVAL: not JSON), its reason set as recval_last_error(). */
int rv_replay_load_error(const rv_file *f);
/* dir/rel as a heap string (rel alone when it is absolute). */
char *rv_replay_join_path(const char *dir, const char *rel);

/* The test id as a C string, NULL for none (JSON null, or not a string). */
const char *rv_replay_test_id_string(json_object *test_id);

/* The endpoint a request is compared by: request.endpoint, else the path
 * of request.url; for tool invocations provider/tool_name. Returns a heap
 * string, or NULL when there is none. */
char *rv_replay_endpoint_key(json_object *request);

/* The part of a request its hash reads beyond method, URL and test id:
 * body (inference), kwargs (tool) or payload (HTTP); borrowed. */
json_object *rv_replay_hashed_body(json_object *request);

/* Fills the answer of out (kind, choices, usage, summary, exception) from
 * the n recordings found, loaded and classified (n > 1 only for model
 * lists, whose models are merged as the harness does). */
void rv_replay_fill_answer(rv_file *files, size_t n, recval_replay_result *out);

/* Searches the n directories for the recordings nearest to the request
 * that missed and stores up to max of them in out->nearest. */
void rv_replay_find_nearest(const recval_validator *v, const replay_request *req, char *const *dirs,
                            size_t ndirs, size_t max, recval_replay_result *out);

/* Frees what a recval_nearest holds. */
void rv_replay_nearest_free(recval_nearest *n);

/* Appends to *diffs the differences between a (the request) and b (the
 * recording) at pointer prefix `at`, keeping the first `keep`; returns how
 * many there are in all. */
size_t rv_replay_diff(json_object *a, json_object *b, strbuf *at, recval_body_diff **diffs,
                      size_t *ndiffs, size_t keep);

#endif
