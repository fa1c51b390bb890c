/* replay_answer.c - what a replayed recording answers: chat and completion
 * responses folded into their final choices (stream.h), a recorded
 * exception, and for the other kinds a summary of the body (embeddings
 * counted, model lists merged, Ollama text reassembled, ...). */
#include "replay.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

/* Compact JSON text of v ("null" for NULL), as the recording spells
 * numbers. */
static char *json_text(json_object *v)
{
    return rv_xstrdup(
        json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Takes v over and returns its JSON text. */
static char *json_text_put(json_object *v)
{
    char *text = json_text(v);
    json_object_put(v);
    return text;
}

/* --- chat and completion ----------------------------------------------- */

static int cmp_choice(const void *a, const void *b)
{
    const rv_choice *x = *(const rv_choice *const *)a, *y = *(const rv_choice *const *)b;
    return (x->index > y->index) - (x->index < y->index);
}

static int cmp_call(const void *a, const void *b)
{
    const rv_tool_call *x = *(const rv_tool_call *const *)a, *y = *(const rv_tool_call *const *)b;
    return (x->index > y->index) - (x->index < y->index);
}

static char *dup_or_null(const char *s)
{
    return s ? rv_xstrdup(s) : NULL;
}

static void fill_tool_calls(const rv_choice *c, recval_choice *out)
{
    const rv_tool_call **calls = rv_xcalloc(c->ncalls ? c->ncalls : 1, sizeof *calls);
    for (size_t k = 0; k < c->ncalls; k++)
        calls[k] = &c->calls[k];
    qsort(calls, c->ncalls, sizeof *calls, cmp_call);
    out->tool_calls = rv_xcalloc(c->ncalls ? c->ncalls : 1, sizeof *out->tool_calls);
    out->ntool_calls = c->ncalls;
    for (size_t k = 0; k < c->ncalls; k++) {
        const rv_tool_call *t = calls[k];
        out->tool_calls[k].id = dup_or_null(t->id);
        out->tool_calls[k].name = dup_or_null(t->name);
        if (t->has_arguments)
            out->tool_calls[k].arguments =
                rv_xstrndup(t->arguments.data ? t->arguments.data : "", t->arguments.len);
    }
    free(calls);
}

static void fill_choice(const rv_choice *c, recval_choice *out)
{
    out->index = c->index;
    if (c->has_content) {
        out->content_len = c->content.len;
        out->content = rv_xmalloc(c->content.len + 1);
        memcpy(out->content, c->content.data ? c->content.data : "", c->content.len);
        out->content[c->content.len] = '\0';
    }
    out->finish_reason = dup_or_null(c->finish_reason);
    fill_tool_calls(c, out);
}

/* The folded choices, by index, and the last usage of the stream. */
static void fill_folded(const rv_stream *s, recval_replay_result *out)
{
    const rv_choice **sorted = rv_xcalloc(s->nchoices ? s->nchoices : 1, sizeof *sorted);
    for (size_t i = 0; i < s->nchoices; i++)
        sorted[i] = &s->choices[i];
    qsort(sorted, s->nchoices, sizeof *sorted, cmp_choice);
    out->choices = rv_xcalloc(s->nchoices ? s->nchoices : 1, sizeof *out->choices);
    out->nchoices = s->nchoices;
    for (size_t i = 0; i < s->nchoices; i++)
        fill_choice(sorted[i], &out->choices[i]);
    free(sorted);
    out->usage_json = json_text(s->usage);
}

/* --- a recorded exception ---------------------------------------------- */

/* {"type", "message", then the other members of exception_data}; the
 * message falls back on exception_message, as the harness's does. */
static char *exception_json(const rv_file *f)
{
    json_object *data = rv_get_object(f->response, "exception_data");
    json_object *message = rv_get(data, "message");
    if (!message)
        message = rv_get(f->response, "exception_message");
    json_object *e = json_object_new_object();
    json_object_object_add(e, "type", json_object_get(rv_get(data, "type")));
    json_object_object_add(e, "message", json_object_get(message));
    if (data) {
        json_object_object_foreach(data, key, value)
        {
            if (strcmp(key, "type") != 0 && strcmp(key, "message") != 0)
                json_object_object_add(e, key, json_object_get(value));
        }
    }
    return json_text_put(e);
}

/* --- summaries of the other kinds -------------------------------------- */

/* The body items: the list of a streamed body, else the body alone. */
static size_t body_items(const rv_file *f)
{
    if (json_object_is_type(f->body, json_type_array))
        return json_object_array_length(f->body);
    return f->body ? 1 : 0;
}

/* The __data__ of body item i (rv_body_data), or the item itself when it
 * is not wrapped. */
static json_object *item_data(const rv_file *f, size_t i)
{
    json_object *data = rv_body_data(f, i);
    if (data)
        return data;
    return json_object_is_type(f->body, json_type_array) ? json_object_array_get_idx(f->body, i)
                                                         : f->body;
}

static int cmp_json_string(const void *a, const void *b)
{
    return strcmp(json_object_get_string(*(json_object *const *)a),
                  json_object_get_string(*(json_object *const *)b));
}

/* The strings of list, sorted, each once (list is consumed). */
static json_object *sorted_unique(json_object *list)
{
    json_object_array_sort(list, cmp_json_string);
    json_object *out = json_object_new_array();
    const char *last = NULL;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i);
        if (last && strcmp(last, json_object_get_string(v)) == 0)
            continue;
        last = json_object_get_string(v);
        json_object_array_add(out, json_object_get(v));
    }
    json_object_put(list);
    return out;
}

/* Adds the identifiers of the models of one model-list recording. */
static void add_models(const rv_file *f, json_object *ids)
{
    const char *endpoint = rv_get_string(f->request, "endpoint");
    const char *key =
        f->kind == RV_KIND_OLLAMA_TAGS || (endpoint && strcmp(endpoint, "/api/tags") == 0) ? "model"
                                                                                           : "id";
    json_object *data = item_data(f, 0);
    json_object *models =
        json_object_is_type(f->body, json_type_array) ? f->body : rv_get_array(data, "models");
    size_t n = models ? json_object_array_length(models) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(models, i), *inner = rv_get(m, "__data__");
        const char *id = rv_get_string(inner ? inner : m, key);
        if (id)
            json_object_array_add(ids, json_object_new_string(id));
    }
}

/* The union of the models of every recording, sorted: what the harness
 * answers for a model list recorded against several servers. */
static json_object *models_summary(rv_file *files, size_t n)
{
    json_object *ids = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        add_models(&files[i], ids);
    json_object *s = json_object_new_object();
    json_object_object_add(s, "models", sorted_unique(ids));
    return s;
}

static json_object *count_or_null(json_object *list)
{
    return json_object_is_type(list, json_type_array)
               ? json_object_new_int64((int64_t)json_object_array_length(list))
               : NULL;
}

/* {"embeddings": N, "dimensions": D} from a list of vectors (or objects
 * holding them under `member`). */
static json_object *embeddings_summary(json_object *list, const char *member)
{
    json_object *first =
        list && json_object_array_length(list) ? json_object_array_get_idx(list, 0) : NULL;
    json_object *vector = member ? rv_get(first, member) : first;
    json_object *s = json_object_new_object();
    json_object_object_add(s, "embeddings", count_or_null(list));
    json_object_object_add(s, "dimensions", count_or_null(vector));
    return s;
}

static json_object *ollama_embed_summary(const rv_file *f)
{
    json_object *data = item_data(f, 0), *list = rv_get_array(data, "embeddings");
    if (list)
        return embeddings_summary(list, NULL);
    json_object *one = json_object_new_array(); /* EmbeddingsResponse: one vector */
    if (rv_get_array(data, "embedding"))
        json_object_array_add(one, json_object_get(rv_get(data, "embedding")));
    json_object *s = embeddings_summary(one, NULL);
    json_object_put(one);
    return s;
}

/* Replaces member key of s when v is not null (the last value wins). */
static void keep_last(json_object *s, const char *key, json_object *v)
{
    if (v)
        json_object_object_add(s, key, json_object_get(v));
}

/* Ollama generate and chat: the reassembled text, the last done_reason and
 * token counts. */
static json_object *ollama_text_summary(const rv_file *f, bool chat)
{
    strbuf text = STRBUF_INIT;
    json_object *s = json_object_new_object();
    json_object_object_add(s, "text", NULL);
    json_object_object_add(s, "done_reason", NULL);
    json_object_object_add(s, "prompt_eval_count", NULL);
    json_object_object_add(s, "eval_count", NULL);
    for (size_t i = 0; i < body_items(f); i++) {
        json_object *data = item_data(f, i);
        json_object *piece =
            chat ? rv_get(rv_get_object(data, "message"), "content") : rv_get(data, "response");
        if (json_object_is_type(piece, json_type_string))
            rv_sb_put(&text, json_object_get_string(piece),
                      (size_t)json_object_get_string_len(piece));
        keep_last(s, "done_reason", rv_get(data, "done_reason"));
        keep_last(s, "prompt_eval_count", rv_get(data, "prompt_eval_count"));
        keep_last(s, "eval_count", rv_get(data, "eval_count"));
    }
    json_object_object_add(s, "text",
                           json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    rv_sb_free(&text);
    return s;
}

static json_object *ollama_ps_summary(const rv_file *f)
{
    json_object *models = rv_get_array(item_data(f, 0), "models"), *names = json_object_new_array();
    size_t n = models ? json_object_array_length(models) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(models, i);
        json_object_array_add(names, json_object_get(rv_get(m, "model")));
    }
    json_object *s = json_object_new_object();
    json_object_object_add(s, "models", names);
    return s;
}

static json_object *ollama_pull_summary(const rv_file *f)
{
    json_object *s = json_object_new_object();
    json_object_object_add(s, "status", NULL);
    for (size_t i = 0; i < body_items(f); i++)
        keep_last(s, "status", rv_get(item_data(f, i), "status"));
    return s;
}

/* Copies the listed members of data (null when absent). */
static json_object *pick(json_object *data, const char *const *keys, size_t n)
{
    json_object *s = json_object_new_object();
    for (size_t i = 0; i < n; i++)
        json_object_object_add(s, keys[i], json_object_get(rv_get(data, keys[i])));
    return s;
}

static json_object *tool_summary(const rv_file *f)
{
    static const char *const keys[] = {"content", "error_message", "error_code"};
    return pick(item_data(f, 0), keys, 3);
}

/* Raw HTTP, raw bodies and anything else: the body as recorded (with the
 * HTTP status when there is one). */
static json_object *body_summary(const rv_file *f)
{
    json_object *s = json_object_new_object();
    if (f->kind == RV_KIND_RAW_HTTP)
        json_object_object_add(s, "status", json_object_get(rv_get(f->response, "status")));
    json_object_object_add(s, "body", json_object_get(f->body));
    return s;
}

static json_object *summary(rv_file *files, size_t n)
{
    const rv_file *f = &files[0];
    switch (f->kind) {
    case RV_KIND_MODEL_LIST:
    case RV_KIND_OLLAMA_TAGS:
        return models_summary(files, n);
    case RV_KIND_EMBEDDINGS:
        return embeddings_summary(rv_get_array(item_data(f, 0), "data"), "embedding");
    case RV_KIND_OLLAMA_EMBED:
        return ollama_embed_summary(f);
    case RV_KIND_OLLAMA_GENERATE:
        return ollama_text_summary(f, false);
    case RV_KIND_OLLAMA_CHAT:
        return ollama_text_summary(f, true);
    case RV_KIND_OLLAMA_PS:
        return ollama_ps_summary(f);
    case RV_KIND_OLLAMA_PULL:
        return ollama_pull_summary(f);
    case RV_KIND_TOOL_INVOCATION:
        return tool_summary(f);
    default:
        return body_summary(f);
    }
}

/* The usage object of kinds other than chat and completion: embeddings
 * report one; NULL otherwise. */
static json_object *other_usage(const rv_file *f)
{
    return f->kind == RV_KIND_EMBEDDINGS ? rv_get_object(item_data(f, 0), "usage") : NULL;
}

void rv_replay_fill_answer(rv_file *files, size_t n, recval_replay_result *out)
{
    rv_file *f = &files[0];
    out->kind = rv_kind_name(f->kind);
    if (f->kind == RV_KIND_EXCEPTION) {
        out->exception_json = exception_json(f);
        out->usage_json = rv_xstrdup("null");
        return;
    }
    f->stream = rv_stream_fold(f);
    if (f->stream) {
        fill_folded(f->stream, out);
        return;
    }
    out->usage_json = json_text(other_usage(f));
    out->summary_json = json_text_put(summary(files, n));
}
