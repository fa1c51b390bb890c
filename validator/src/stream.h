/* stream.h - folds a chat or text completion response, streamed or not,
 * into its final choices, and records the anomalies met on the way (a
 * finish_reason given twice, deltas after the finish, a tool call whose id
 * changes). Shared by the finish-reason, ids, tool-calls and usage families
 * and by replay. Positions are body item numbers and array positions, from
 * which rules build JSON pointers. */
#ifndef RECVAL_STREAM_H
#define RECVAL_STREAM_H

#include "recval_internal.h"

/* Where a value sits: body item (the chunk; 0 for a single response) and
 * position in that item's choices array, and for tool calls, position in
 * the tool_calls array. */
typedef struct rv_loc {
    size_t item;
    size_t choice_pos;
    size_t call_pos;
} rv_loc;

/* One piece of a tool call's arguments: the chunk that carried it and the
 * length of the reassembled arguments once it was appended. */
typedef struct rv_arg_frag {
    rv_loc at;
    size_t end;
} rv_arg_frag;

typedef struct rv_tool_call {
    int64_t index; /* delta index (or position when absent) */
    char *id;      /* first id seen, NULL if none */
    char *name;    /* first non-empty name, NULL if none */
    strbuf arguments;
    bool has_arguments;
    rv_loc first;      /* first chunk of this call */
    bool id_changed;   /* a later chunk carried a different id */
    rv_loc changed_at; /* where it did */
    char *changed_id;
    rv_loc name_at;     /* where name was found (valid when name) */
    rv_arg_frag *frags; /* every string arguments piece, in order */
    size_t nfrags;
    bool bad_arguments_type; /* an arguments value was neither string nor null */
    rv_loc bad_arguments_at;
} rv_tool_call;

typedef struct rv_choice {
    int64_t index;
    strbuf content; /* content (chat) or text (completion) */
    bool has_content;
    const char *finish_reason; /* first non-null value, borrowed from the tree */
    json_object *finish_value; /* the first non-null finish_reason value */
    rv_loc finish_at;
    size_t finish_count; /* non-null finish_reason values seen */
    rv_loc second_finish_at;
    bool delta_after_finish;
    rv_loc after_finish_at;
    const char *after_finish_member; /* "content", "tool_calls", ... (static) */
    rv_loc last;                     /* last chunk that touched this choice */
    rv_tool_call *calls;
    size_t ncalls;
} rv_choice;

typedef struct rv_stream {
    bool streamed; /* body was a list of chunks */
    bool chat;     /* chat (message/delta) rather than text completion */
    size_t nitems;
    rv_choice *choices;
    size_t nchoices;
    json_object *usage;   /* last non-null usage object, borrowed; NULL if none */
    size_t usage_item;    /* body item that carried it */
    size_t usage_count;   /* body items carrying a usage object */
    size_t *usage_items;  /* those items, in order */
    rv_loc *bad_finishes; /* every non-null finish_reason that is not a known value */
    size_t nbad_finishes;
    /* finish_reason "" (TGI's "not finished"), folded as null. */
    size_t nempty_finishes;
    rv_loc first_empty_finish;
} rv_stream;

/* Folds f->body when f->kind is a chat or completion kind; NULL otherwise.
 * The result borrows strings from f->root and is freed with
 * rv_stream_free(). */
rv_stream *rv_stream_fold(const rv_file *f);

void rv_stream_free(rv_stream *s);

/* True when v is one of the finish_reason values OpenAI defines: stop,
 * length, tool_calls, content_filter, function_call. */
bool rv_finish_reason_known(json_object *v);

/* True when data (a chunk's __data__) is an Azure OpenAI filter chunk: the
 * stream's preamble with prompt_filter_results, or a content-filter-only
 * chunk; id "" (or none), no choices. Such chunks are not part of the
 * stream's identity: rules reading id, model, object or choices skip
 * them. */
bool rv_is_filter_chunk(json_object *data);

/* The __data__ of body item i (for single responses, i is 0), or NULL. */
json_object *rv_body_data(const rv_file *f, size_t i);

/* The choice object at loc, or NULL. */
json_object *rv_choice_at(const rv_file *f, rv_loc loc);

/* The tool_calls entry at loc (in the delta of a chunk or the message of a
 * single response), or NULL. */
json_object *rv_call_at(const rv_file *f, const rv_stream *s, rv_loc loc);

/* Pointer of the choice at loc ("/response/body/3/__data__/choices/0" or,
 * for single responses, "/response/body/__data__/choices/0"). */
const char *rv_choice_ptr(char buf[RV_PTR_MAX], const rv_file *f, rv_loc loc, const char *suffix);

/* Pointer of the tool_calls entry at loc, e.g.
 * "/response/body/3/__data__/choices/0/delta/tool_calls/1" + suffix. */
const char *rv_call_ptr(char buf[RV_PTR_MAX], const rv_file *f, const rv_stream *s, rv_loc loc,
                        const char *suffix);

#endif
