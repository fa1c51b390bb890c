/* tmptree.h - temporary directory trees for the suites that need files
 * laid out on disk (configuration files found upward, test lists). */
#ifndef RECVAL_SUITE_TMPTREE_H
#define RECVAL_SUITE_TMPTREE_H

/* A new empty directory /tmp/recval-<tag>-XXXXXX; the caller frees the
 * path and removes the tree with rvt_rmtree(). Fails the current test
 * when it cannot be made. */
char *rvt_mktree(const char *tag);

/* Writes text to dir/rel, making its parent directories; returns the
 * path in a static buffer (one of 8). */
const char *rvt_put(const char *dir, const char *rel, const char *text);

/* Copies the repository file src (relative to the repo root) to dir/rel;
 * returns the path as rvt_put() does. */
const char *rvt_copy(const char *dir, const char *rel, const char *src);

/* Removes the tree at dir and frees dir. */
void rvt_rmtree(char *dir);

#endif
