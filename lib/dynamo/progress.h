/* progress.h — the one progress line of every bulk command (seed, import, copy, truncate, export, scan):
 *   "\r<label>: N items  R items/s  P%  ETA m:ss"
 * redrawn in place on the terminal at most every PROGRESS_EVERY seconds, the percentage and ETA only when a total
 * is known (items, or bytes of input: any measure of the work done).  Drawn only when the caller says the
 * terminal is a tty (enabled); progress_clear erases it before anything else is printed.  Thread-safe. */
#ifndef DDB_PROGRESS_H
#define DDB_PROGRESS_H

#include <pthread.h>
#include <stdio.h>

#define PROGRESS_EVERY 0.1   /* seconds between two draws */

struct progress {
	pthread_mutex_t mu;
	FILE *out;
	char label[64];
	int enabled, drawn;
	double t0, last;
};

/* label: the command ("seed"); enabled: draw at all (a tty, not --quiet). */
void progress_init(struct progress *p, FILE *out, const char *label, int enabled);
/* Draw: items done so far (shown), rate_items (the items/s figure: the items this run did; < 0: items), done and
 * total in any unit for the percentage and ETA (total <= 0: unknown).  Not more often than PROGRESS_EVERY unless
 * force. */
void progress_update(struct progress *p, long items, long rate_items, long long done, long long total, int force);
/* Erase the line (when drawn). */
void progress_clear(struct progress *p);
void progress_release(struct progress *p);

#endif
