/* progress.c — the one progress line (see progress.h). */
#include <stdio.h>
#include <string.h>

#include "aws/clock.h"
#include "dynamo/progress.h"

void progress_init(struct progress *p, FILE *out, const char *label, int enabled)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	p->out = out;
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "ddb");
	p->enabled = enabled && out;
	p->t0 = p->last = clock_now();
}

void progress_update(struct progress *p, long items, long rate_items, long long done, long long total, int force)
{
	if (!p->enabled)
		return;
	double now = clock_now();
	pthread_mutex_lock(&p->mu);
	if (!force && now - p->last < PROGRESS_EVERY) {
		pthread_mutex_unlock(&p->mu);
		return;
	}
	p->last = now;
	double el = now - p->t0;
	double rate = el > 0.05 ? (double)(rate_items < 0 ? items : rate_items) / el : 0;
	char eta[96] = "";
	if (total > 0 && done > 0 && el > 0.5) {
		double f = (double)done / (double)total;
		if (f > 1)
			f = 1;
		long s = (long)(el * (1 - f) / f + 0.5);
		snprintf(eta, sizeof(eta), "  %3d%%  ETA %ld:%02ld", (int)(f * 100), s / 60, s % 60);
	}
	fprintf(p->out, "\r\033[K%s: %ld items  %.0f items/s%s", p->label, items, rate, eta);
	fflush(p->out);
	p->drawn = 1;
	pthread_mutex_unlock(&p->mu);
}

void progress_clear(struct progress *p)
{
	if (!p->enabled)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->drawn) {
		fputs("\r\033[K", p->out);
		p->drawn = 0;
	}
	pthread_mutex_unlock(&p->mu);
}

void progress_release(struct progress *p)
{
	pthread_mutex_destroy(&p->mu);
}
