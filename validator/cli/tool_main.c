/* tool_main.c - the recval command: dispatches to its subcommands. */
#include "tool.h"

#include <string.h>

void tool_usage(FILE *out)
{
    fputs("usage: recval <command> [options]\n"
          "\n"
          "commands:\n"
          "  validate [--format=text|json|junit|sarif|github|markdown] [--output=FILE]\n"
          "           [--junit=FILE] [--strict] [--jobs=N] [--ignore=LIST] [--config=FILE]\n"
          "           [--tests=FILE]... [--baseline=FILE] [--write-baseline=FILE]\n"
          "           [--max-memory=SIZE] [--stdin-filename=PATH] PATH...   (- is standard input)\n"
          "           check recordings (files, or directories searched for *.json)\n"
          "  rules [--format=text|json]\n"
          "           list every rule: name, default severity, summary\n"
          "  hash [--format=text|json] FILE... | hash --request=FILE [--test-id=ID]\n"
          "           the request hashes of recordings under every scheme\n"
          "  replay --root=REPO --request=FILE [--test-id=ID] [--recording-dir=DIR]\n"
          "           [--nearest=N] [--format=text|json]\n"
          "           look a request up as the test harness does and print the answer\n"
          "  schema [--format=text|json|junit] [--output=FILE] [--base=URI=DIR]...\n"
          "         SCHEMA INSTANCE...\n"
          "           validate JSON files against a JSON Schema (draft 2020-12)\n"
          "  fix [--dry-run] [--unsafe] [--format=text|json] PATH...\n"
          "           rename recordings to the recorder's name, rewriting their ids\n"
          "\n"
          "options:\n"
          "  -h, --help     show this help\n"
          "  --version      show the version\n"
          "\n"
          "Exit status: 0 no errors, 1 errors found (--strict: or warnings),\n"
          "2 usage error or nothing could be read; replay: 1 miss, 3 a recorded\n"
          "exception; fix: 1 something left to fix (--dry-run: would change).\n"
          "See docs/cli.md.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        tool_usage(stderr);
        return TOOL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        tool_usage(stdout);
        return TOOL_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("recval %s\n", recval_version());
        return TOOL_EXIT_OK;
    }
    if (strcmp(cmd, "validate") == 0)
        return tool_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return tool_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "hash") == 0)
        return tool_hash(argc - 1, argv + 1);
    if (strcmp(cmd, "replay") == 0)
        return tool_replay(argc - 1, argv + 1);
    if (strcmp(cmd, "schema") == 0)
        return tool_schema(argc - 1, argv + 1);
    if (strcmp(cmd, "fix") == 0)
        return tool_fix(argc - 1, argv + 1);
    fprintf(stderr, "recval: unknown command '%s'\n", cmd);
    tool_usage(stderr);
    return TOOL_EXIT_USAGE;
}
