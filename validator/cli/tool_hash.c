/* tool_hash.c - `recval hash` (placeholder until the command lands). */
#include "tool.h"

int tool_hash(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("recval hash: not available in this build\n", stderr);
    return TOOL_EXIT_USAGE;
}
