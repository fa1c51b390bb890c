/* tool_replay.c - `recval replay` (placeholder until the command lands). */
#include "tool.h"

int tool_replay(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("recval replay: not available in this build\n", stderr);
    return TOOL_EXIT_USAGE;
}
