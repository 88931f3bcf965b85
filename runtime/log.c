/*
 * log.c — what goes into a log line: every value a user, a peer or a document controls is
 * printed through cx_rt_esc (control characters escaped), URLs through cx_rt_escurl (secrets
 * and tokens in the query hidden). The one logger of the operations work will live here.
 */
#include <string.h>
#include "rt.h"

/* Section - Logs and secrets */

int cx_rt_esc(struct re_printf *pf, void *arg)
{
	const char *s = arg, *run;
	int err = 0;

	if (!s)
		return re_hprintf(pf, "(null)");
	/* runs of plain bytes in one go; each control byte as \n, \r, \t or \xNN */
	for (run = s; !err && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (s > run)
			err = re_hprintf(pf, "%b", run, (size_t)(s - run));
		if (!err)
			err = c == '\n' ? re_hprintf(pf, "\\n") : c == '\r' ? re_hprintf(pf, "\\r") :
				c == '\t' ? re_hprintf(pf, "\\t") : re_hprintf(pf, "\\x%02x", c);
		run = s + 1;
	}
	if (!err && s > run)
		err = re_hprintf(pf, "%b", run, (size_t)(s - run));
	return err;
}

int cx_rt_escurl(struct re_printf *pf, void *arg)
{
	static const char *const hide[] = {"secret=", "token=", "tokenid=", NULL};
	const char *u = arg, *p = u ? strchr(u, '?') : NULL;
	char *copy;
	size_t k = 0;
	int err;

	if (!p)
		return cx_rt_esc(pf, arg);
	copy = mem_alloc(4 * strlen(u) + 1, NULL); /* "a=&" -> "a=...&" at worst */
	if (!copy)
		return ENOMEM;
	/* the URL with the value of each credential field of its query shown as "..." */
	memcpy(copy, u, (size_t)(++p - u));
	k = (size_t)(p - u);
	while (*p) {
		const char *const *h;
		size_t n = strcspn(p, "&");
		for (h = hide; *h && strncmp(p, *h, strlen(*h)); h++)
			;
		if (*h) {
			memcpy(copy + k, *h, strlen(*h));
			k += strlen(*h);
			memcpy(copy + k, "...", 3);
			k += 3;
		}
		else {
			memcpy(copy + k, p, n);
			k += n;
		}
		p += n;
		if (*p)
			copy[k++] = *p++;
	}
	copy[k] = '\0';
	err = cx_rt_esc(pf, copy);
	mem_deref(copy);
	return err;
}
