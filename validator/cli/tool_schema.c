/* tool_schema.c - `recval schema` (placeholder until the command lands). */
#include "tool.h"

int tool_schema(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("recval schema: not available in this build\n", stderr);
    return TOOL_EXIT_USAGE;
}
