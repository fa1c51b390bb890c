/* classify.c - tells what a recording holds (chat stream, embeddings,
 * Ollama generate, tool invocation, ...) and how its file is named. */
#include "recval_internal.h"

#include <string.h>

static const char *const kind_names[RV_KIND_COUNT + 1] = {
    [RV_KIND_INVALID] = "invalid",
    [RV_KIND_UNKNOWN] = "unknown",
    [RV_KIND_CHAT_STREAM] = "chat-completion-stream",
    [RV_KIND_CHAT] = "chat-completion",
    [RV_KIND_COMPLETION_STREAM] = "completion-stream",
    [RV_KIND_COMPLETION] = "completion",
    [RV_KIND_EMBEDDINGS] = "embeddings",
    [RV_KIND_MODEL_LIST] = "model-list",
    [RV_KIND_OLLAMA_GENERATE] = "ollama-generate",
    [RV_KIND_OLLAMA_CHAT] = "ollama-chat",
    [RV_KIND_OLLAMA_EMBED] = "ollama-embed",
    [RV_KIND_OLLAMA_PS] = "ollama-ps",
    [RV_KIND_OLLAMA_PULL] = "ollama-pull",
    [RV_KIND_OLLAMA_TAGS] = "ollama-tags",
    [RV_KIND_TOOL_INVOCATION] = "tool-invocation",
    [RV_KIND_RAW_HTTP] = "raw-http",
    [RV_KIND_FILE_PROCESSOR] = "file-processor",
    [RV_KIND_EXCEPTION] = "exception",
    [RV_KIND_RAW_BODY] = "raw-body",
    [RV_KIND_COUNT] = NULL,
};

const char *rv_kind_name(rv_kind k)
{
    return k < RV_KIND_COUNT ? kind_names[k] : "unknown";
}

const char *const *recval_kind_names(void)
{
    return kind_names;
}

/* Known __type__ class names (the last dotted component) and their kinds;
 * `streamed` is the kind when the body is a list of them. */
static const struct {
    const char *class_name;
    rv_kind single, streamed;
} known_types[] = {
    {"ChatCompletionChunk", RV_KIND_CHAT_STREAM, RV_KIND_CHAT_STREAM},
    {"ChatCompletion", RV_KIND_CHAT, RV_KIND_CHAT_STREAM},
    /* LiteLLM's OpenAI-shaped types (IBM watsonx through LiteLLM). */
    {"ModelResponseStream", RV_KIND_CHAT_STREAM, RV_KIND_CHAT_STREAM},
    {"ModelResponse", RV_KIND_CHAT, RV_KIND_CHAT_STREAM},
    {"Completion", RV_KIND_COMPLETION, RV_KIND_COMPLETION_STREAM},
    {"CreateEmbeddingResponse", RV_KIND_EMBEDDINGS, RV_KIND_EMBEDDINGS},
    {"Model", RV_KIND_MODEL_LIST, RV_KIND_MODEL_LIST},
    {"GenerateResponse", RV_KIND_OLLAMA_GENERATE, RV_KIND_OLLAMA_GENERATE},
    {"ChatResponse", RV_KIND_OLLAMA_CHAT, RV_KIND_OLLAMA_CHAT},
    {"EmbedResponse", RV_KIND_OLLAMA_EMBED, RV_KIND_OLLAMA_EMBED},
    {"EmbeddingsResponse", RV_KIND_OLLAMA_EMBED, RV_KIND_OLLAMA_EMBED},
    {"ProcessResponse", RV_KIND_OLLAMA_PS, RV_KIND_OLLAMA_PS},
    {"ProgressResponse", RV_KIND_OLLAMA_PULL, RV_KIND_OLLAMA_PULL},
    {"ListResponse", RV_KIND_OLLAMA_TAGS, RV_KIND_OLLAMA_TAGS},
    {"ToolInvocationResult", RV_KIND_TOOL_INVOCATION, RV_KIND_TOOL_INVOCATION},
    {"ProcessFileResponse", RV_KIND_FILE_PROCESSOR, RV_KIND_FILE_PROCESSOR},
};

bool rv_type_is_known(const char *type_name)
{
    const char *dot = type_name ? strrchr(type_name, '.') : NULL;
    const char *cls = dot ? dot + 1 : type_name;
    if (!cls)
        return false;
    for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++)
        if (strcmp(cls, known_types[i].class_name) == 0)
            return true;
    return false;
}

static rv_kind kind_of_type(const char *type_name, bool streamed)
{
    const char *dot = strrchr(type_name, '.');
    const char *cls = dot ? dot + 1 : type_name;
    for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++)
        if (strcmp(cls, known_types[i].class_name) == 0)
            return streamed ? known_types[i].streamed : known_types[i].single;
    return RV_KIND_UNKNOWN;
}

/* The __type__ of the body, or of its first item when it is a list. */
static const char *body_type(json_object *body)
{
    json_object *item = body;
    if (json_object_is_type(body, json_type_array))
        item = json_object_array_length(body) ? json_object_array_get_idx(body, 0) : NULL;
    return rv_get_string(item, "__type__");
}

static bool is_models_endpoint(const char *endpoint)
{
    return endpoint &&
           (strcmp(endpoint, "/v1/models") == 0 || strcmp(endpoint, "/v1/openai/v1/models") == 0 ||
            strcmp(endpoint, "/models") == 0);
}

static rv_kind classify_kind(const rv_file *f)
{
    if (!f->request || !f->response)
        return RV_KIND_UNKNOWN;
    if (json_object_get_boolean(rv_get(f->response, "is_exception")))
        return RV_KIND_EXCEPTION;
    if (rv_has(f->request, "tool_name"))
        return RV_KIND_TOOL_INVOCATION;
    if (rv_has(f->request, "file_id") && rv_has(f->request, "api"))
        return RV_KIND_FILE_PROCESSOR;
    if (rv_has(f->request, "payload") && !rv_has(f->request, "body"))
        return RV_KIND_RAW_HTTP;
    const char *type = body_type(f->body);
    bool streamed = json_object_is_type(f->body, json_type_array);
    if (type)
        return kind_of_type(type, streamed);
    if (f->name_scheme == RV_NAME_MODELS ||
        is_models_endpoint(rv_get_string(f->request, "endpoint")))
        return RV_KIND_MODEL_LIST;
    if (json_object_is_type(f->body, json_type_object) ||
        json_object_is_type(f->body, json_type_array))
        return RV_KIND_RAW_BODY;
    return RV_KIND_UNKNOWN;
}

static void classify_name(rv_file *f)
{
    const char *b = f->base;
    size_t n = strlen(b);
    f->name_scheme = RV_NAME_OTHER;
    f->name_hash[0] = f->name_digest[0] = '\0';
    if (n == 64 + 5 && strcmp(b + 64, ".json") == 0 && rv_is_hex(b, 64)) {
        f->name_scheme = RV_NAME_HASH64;
        memcpy(f->name_hash, b, 64);
        f->name_hash[64] = '\0';
    } else if (n == 12 + 5 && strcmp(b + 12, ".json") == 0 && rv_is_hex(b, 12)) {
        f->name_scheme = RV_NAME_HASH12;
        memcpy(f->name_hash, b, 12);
        f->name_hash[12] = '\0';
    } else if (n == 7 + 64 + 1 + 8 + 5 && strncmp(b, "models-", 7) == 0 && rv_is_hex(b + 7, 64) &&
               b[71] == '-' && rv_is_hex(b + 72, 8) && strcmp(b + 80, ".json") == 0) {
        f->name_scheme = RV_NAME_MODELS;
        memcpy(f->name_hash, b + 7, 64);
        f->name_hash[64] = '\0';
        memcpy(f->name_digest, b + 72, 8);
        f->name_digest[8] = '\0';
    }
}

void rv_classify(rv_file *f)
{
    classify_name(f);
    f->request = rv_get_object(f->root, "request");
    f->response = rv_get_object(f->root, "response");
    f->request_body = rv_get_object(f->request, "body");
    f->body = rv_get(f->response, "body");
    f->is_streaming = json_object_get_boolean(rv_get(f->response, "is_streaming"));
    f->kind = classify_kind(f);
}
