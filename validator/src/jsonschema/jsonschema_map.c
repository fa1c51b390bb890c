/* jsonschema_map.c - small open-addressing hash maps (string and pointer
 * keys) used by the schema registry and compiler, and the string hash
 * that property tables (js_propmap) also use while validating. */
#include "jsonschema_impl.h"

#include <stdlib.h>
#include <string.h>

struct js_strent {
    char *key;
    uint32_t hash;
    void *val;
};

struct js_ptrent {
    const void *key;
    void *val;
};

uint32_t js_hash_bytes(const char *s, size_t n)
{
    /* eight bytes at a time (property names are hashed per instance
     * member while validating); the last word may overlap the previous */
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n, w = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    } else {
        for (; n > 8; s += 8, n -= 8) {
            memcpy(&w, s, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdULL;
            h ^= h >> 29;
        }
        memcpy(&w, s + n - 8, 8);
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

static uint32_t hash_pointer(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

static struct js_strent *strmap_slot(const js_strmap *m, const char *key, uint32_t hash)
{
    size_t i = hash & (m->cap - 1);
    for (;;) {
        struct js_strent *e = &m->ents[i];
        if (!e->key || (e->hash == hash && strcmp(e->key, key) == 0))
            return e;
        i = (i + 1) & (m->cap - 1);
    }
}

static void strmap_grow(js_strmap *m)
{
    js_strmap bigger = {rv_xcalloc(m->cap ? m->cap * 2 : 16, sizeof(struct js_strent)),
                        m->cap ? m->cap * 2 : 16, m->len};
    for (size_t i = 0; i < m->cap; i++) {
        if (m->ents[i].key)
            *strmap_slot(&bigger, m->ents[i].key, m->ents[i].hash) = m->ents[i];
    }
    free(m->ents);
    *m = bigger;
}

void *js_strmap_get(const js_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    struct js_strent *e = strmap_slot(m, key, js_hash_bytes(key, strlen(key)));
    return e->key ? e->val : NULL;
}

void js_strmap_put(js_strmap *m, const char *key, void *val)
{
    if ((m->len + 1) * 2 > m->cap)
        strmap_grow(m);
    uint32_t hash = js_hash_bytes(key, strlen(key));
    struct js_strent *e = strmap_slot(m, key, hash);
    if (!e->key) {
        e->key = rv_xstrdup(key);
        e->hash = hash;
        m->len++;
    }
    e->val = val;
}

void js_strmap_free(js_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->ents[i].key);
    free(m->ents);
    m->ents = NULL;
    m->cap = m->len = 0;
}

static struct js_ptrent *ptrmap_slot(const js_ptrmap *m, const void *key)
{
    size_t i = hash_pointer(key) & (m->cap - 1);
    while (m->ents[i].key && m->ents[i].key != key)
        i = (i + 1) & (m->cap - 1);
    return &m->ents[i];
}

static void ptrmap_grow(js_ptrmap *m)
{
    js_ptrmap bigger = {rv_xcalloc(m->cap ? m->cap * 2 : 64, sizeof(struct js_ptrent)),
                        m->cap ? m->cap * 2 : 64, m->len};
    for (size_t i = 0; i < m->cap; i++) {
        if (m->ents[i].key)
            *ptrmap_slot(&bigger, m->ents[i].key) = m->ents[i];
    }
    free(m->ents);
    *m = bigger;
}

void *js_ptrmap_get(const js_ptrmap *m, const void *key)
{
    if (!m->cap)
        return NULL;
    return ptrmap_slot(m, key)->val;
}

void js_ptrmap_put(js_ptrmap *m, const void *key, void *val)
{
    if ((m->len + 1) * 2 > m->cap)
        ptrmap_grow(m);
    struct js_ptrent *e = ptrmap_slot(m, key);
    if (!e->key) {
        e->key = key;
        m->len++;
    }
    e->val = val;
}

void js_ptrmap_free(js_ptrmap *m)
{
    free(m->ents);
    m->ents = NULL;
    m->cap = m->len = 0;
}
