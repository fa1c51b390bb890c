/* tool_report_sarif.c - writes a run's results as SARIF 2.1.0, the format
 * GitHub code scanning (and other viewers) read: one run, the driver with
 * every rule and its docs, one result per diagnostic with its region, JSON
 * pointer (a logical location) and a fingerprint that survives renames.
 * docs/cli.md describes the mapping. */
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* The base the artifact URIs are relative to: the working directory. */
#define SARIF_BASE_ID "SRCROOT"
/* The key of the fingerprint in partialFingerprints (version it when the
 * fingerprint's recipe changes). */
#define SARIF_FINGERPRINT_KEY "recvalFinding/v1"

/* Writes s percent-encoded as a URI path (RFC 3986 unreserved and '/'
 * kept), inside a JSON string. */
static void put_uri_path(FILE *out, const char *s)
{
    static const char keep[] = "-._~/";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p))
            fputc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
}

static void put_text_object(FILE *out, const char *key, const char *text)
{
    fprintf(out, "\"%s\":{\"text\":", key);
    tool_put_json_string(out, text);
    fputc('}', out);
}

/* The rule's friendly name: its id in Pascal case ("ParseDuplicateKey"). */
static void put_friendly_name(FILE *out, const char *id)
{
    fputs("\"name\":\"", out);
    for (bool up = true; *id; id++) {
        bool letter = (*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z');
        bool digit = *id >= '0' && *id <= '9';
        if (letter || digit)
            fputc(up && *id >= 'a' && *id <= 'z' ? *id - 'a' + 'A' : *id, out);
        up = !letter && !digit;
    }
    fputc('"', out);
}

static void put_rule(FILE *out, const recval_rule *rule, bool first)
{
    fputs(first ? "\n        {\"id\":" : ",\n        {\"id\":", out);
    tool_put_json_string(out, rule->name);
    fputc(',', out);
    put_friendly_name(out, rule->name);
    fputc(',', out);
    put_text_object(out, "shortDescription", rule->summary);
    fputc(',', out);
    const char *full = recval_rule_description(rule);
    put_text_object(out, "fullDescription", full[0] ? full : rule->summary);
    fprintf(out, ",\"defaultConfiguration\":{\"level\":\"%s\"}}",
            recval_severity_name(rule->severity));
}

static void put_driver(FILE *out)
{
    size_t nrules;
    const recval_rule *rules = recval_rules(&nrules);
    fprintf(out,
            "      \"tool\":{\"driver\":{\"name\":\"recval\",\"version\":\"%s\","
            "\"semanticVersion\":\"%s\",\"rules\":[",
            recval_version(), recval_version());
    for (size_t i = 0; i < nrules; i++)
        put_rule(out, &rules[i], i == 0);
    fputs("\n      ]}},\n", out);
}

/* The working directory as a file: URI ending in '/'. */
static void put_base_uri(FILE *out)
{
    char *cwd = getcwd(NULL, 0);
    fputs("      \"originalUriBaseIds\":{\"" SARIF_BASE_ID "\":{\"uri\":\"file://", out);
    put_uri_path(out, cwd ? cwd : "/");
    if (cwd && strcmp(cwd, "/") != 0)
        fputc('/', out);
    fputs("\"}},\n", out);
    free(cwd);
}

static void put_artifact_location(FILE *out, const char *path)
{
    char *rel = tool_relative_path(path);
    fputs("\"artifactLocation\":{\"uri\":\"", out);
    if (rel && rel[0] == '/') {
        fputs("file://", out);
        put_uri_path(out, rel);
        fputs("\"}", out);
    } else {
        put_uri_path(out, rel ? rel : path);
        fputs("\",\"uriBaseId\":\"" SARIF_BASE_ID "\"}", out);
    }
    free(rel);
}

/* "element" for an array index, "member" for an object member, "object"
 * for the document itself. */
static const char *pointer_kind(const char *pointer)
{
    const char *last = strrchr(pointer, '/');
    if (!last)
        return "object";
    if (last[1] == '\0')
        return "member";
    return strspn(last + 1, "0123456789") == strlen(last + 1) ? "element" : "member";
}

static void put_result(FILE *out, const recval_result *r, const recval_diag *d,
                       const recval_fingerprint *fp, bool first)
{
    size_t nrules;
    const recval_rule *rules = recval_rules(&nrules);
    fputs(first ? "\n        {\"ruleId\":" : ",\n        {\"ruleId\":", out);
    tool_put_json_string(out, d->rule->name);
    if (d->rule >= rules && d->rule < rules + nrules)
        fprintf(out, ",\"ruleIndex\":%zu", (size_t)(d->rule - rules));
    fprintf(out, ",\"level\":\"%s\",", recval_severity_name(d->severity));
    put_text_object(out, "message", d->message);
    fputs(",\"locations\":[{\"physicalLocation\":{", out);
    put_artifact_location(out, r->path);
    fprintf(out, ",\"region\":{\"startLine\":%u,\"startColumn\":%u}}", d->line, d->column);
    fputs(",\"logicalLocations\":[{\"fullyQualifiedName\":", out);
    tool_put_json_string(out, d->pointer);
    fprintf(out, ",\"kind\":\"%s\"}]}]", pointer_kind(d->pointer));
    if (fp)
        fprintf(out, ",\"partialFingerprints\":{\"" SARIF_FINGERPRINT_KEY "\":\"%s\"}",
                fp->finding);
    fputc('}', out);
}

/* The fingerprints of r's diagnostics, or NULL when they cannot be had. */
static recval_fingerprint *fingerprints_of(const tool_report *rep, const recval_result *r)
{
    if (!rep->validator || r->ndiags == 0)
        return NULL;
    recval_fingerprint *fps = calloc(r->ndiags, sizeof *fps);
    if (fps && recval_fingerprints(rep->validator, r, fps) != RECVAL_OK) {
        free(fps);
        fps = NULL;
    }
    return fps;
}

static void put_results(FILE *out, const tool_report *rep)
{
    bool first = true;
    fputs("      \"results\":[", out);
    for (size_t i = 0; i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        recval_fingerprint *fps = fingerprints_of(rep, r);
        for (size_t k = 0; k < r->ndiags; k++, first = false)
            put_result(out, r, &r->diags[k], fps ? &fps[k] : NULL, first);
        free(fps);
    }
    fputs(first ? "]\n" : "\n      ]\n", out);
}

void tool_write_sarif(FILE *out, const tool_report *rep)
{
    fputs("{\n  \"$schema\":\"" SARIF_SCHEMA "\",\n  \"version\":\"2.1.0\",\n  \"runs\":[\n"
          "    {\n",
          out);
    put_driver(out);
    put_base_uri(out);
    fputs("      \"columnKind\":\"unicodeCodePoints\",\n", out);
    if (rep->baseline)
        fprintf(out,
                "      \"properties\":{\"recvalBaselineSuppressed\":%zu,"
                "\"recvalBaselineStale\":%zu},\n",
                rep->suppressed, rep->stale);
    put_results(out, rep);
    fputs("    }\n  ]\n}\n", out);
}
