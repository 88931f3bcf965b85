/*
 * sipauth.c — SIP digest credentials (--sip-credentials FILE; docs/sip.md "Trunks").
 *
 * The file holds one entry a line: KEY USER PASSWORD, KEY being a realm (what a 401/407
 * challenge names), a destination host (the Request-URI's or registrar's host), or `*`.
 * A challenge takes the entry of its realm, else of the host, else `*`. Blank lines and lines
 * starting with '#' are skipped. The file must not be readable by group or others (like ssh's
 * keys): such a file is refused. Passwords are never printed; log lines name realm and user.
 *
 * libre's sip_auth asks cx_sipauth_h once per realm of a request; the per-request context
 * (cx_sipauth_req) remembers the realm and user it gave, for the failure messages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <re.h>
#include "prov.h"

#define CX_SIPAUTH_MAX 256        /* entries */
#define CX_SIPAUTH_LINE 1024

typedef struct cx_sipauth_ent {
	char *key, *user, *pass;
} cx_sipauth_ent;

struct cx_sipauth {
	cx_sipauth_ent ent[CX_SIPAUTH_MAX];
	size_t n;
};

static void cx_sipauth__destroy(void *arg)
{
	cx_sipauth *a = arg;
	size_t i;

	for (i = 0; i < a->n; i++) {
		mem_deref(a->ent[i].key);
		mem_deref(a->ent[i].user);
		if (a->ent[i].pass)
			memset(a->ent[i].pass, 0, strlen(a->ent[i].pass));
		mem_deref(a->ent[i].pass);
	}
}

/* One "KEY USER PASSWORD" line into a->ent; 0, or a reason in em. */
static int cx_sipauth__line(cx_sipauth *a, char *line, char *em, size_t esz)
{
	char *f[4], *save = NULL, *t;
	int n = 0, err;

	for (t = strtok_r(line, " \t", &save); t && n < 4; t = strtok_r(NULL, " \t", &save))
		f[n++] = t;
	if (n != 3) {
		snprintf(em, esz, "needs REALM-OR-HOST USER PASSWORD (%s fields)",
			 n > 3 ? "too many" : "too few");
		return EINVAL;
	}
	if (a->n >= CX_SIPAUTH_MAX) {
		snprintf(em, esz, "more than %d entries", CX_SIPAUTH_MAX);
		return EINVAL;
	}
	err = str_dup(&a->ent[a->n].key, f[0]);
	if (!err)
		err = str_dup(&a->ent[a->n].user, f[1]);
	if (!err)
		err = str_dup(&a->ent[a->n].pass, f[2]);
	a->n++; /* freed by the destructor even when half filled */
	memset(f[2], 0, strlen(f[2]));
	return err;
}

int cx_sipauth_load(cx_sipauth **ap, const char *file)
{
	char line[CX_SIPAUTH_LINE], em[128];
	struct stat sb;
	cx_sipauth *a;
	unsigned ln = 0;
	FILE *f;
	int err = 0;

	f = fopen(file, "r");
	if (!f) {
		err = errno;
		cx_log(CX_LOG_ERR, NULL, "--sip-credentials %s: %s", file, strerror(err));
		return err;
	}
	if (fstat(fileno(f), &sb) || (sb.st_mode & (S_IRWXG | S_IRWXO))) {
		char mode[8]; /* re_printf has no %o */
		snprintf(mode, sizeof(mode), "%03o", (unsigned)(sb.st_mode & 0777));
		cx_log(CX_LOG_ERR, NULL, "--sip-credentials %s: the file holds passwords and is "
		       "open to group or others (mode %s): refused; chmod 600 it", file, mode);
		fclose(f);
		return EPERM;
	}
	a = mem_zalloc(sizeof(*a), cx_sipauth__destroy);
	if (!a) {
		fclose(f);
		return ENOMEM;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);
		char *p = line;
		ln++;
		if (l == sizeof(line) - 1 && line[l - 1] != '\n') {
			cx_log(CX_LOG_ERR, NULL, "--sip-credentials %s:%u: line too long", file,
			       ln);
			err = EINVAL;
			break;
		}
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		err = cx_sipauth__line(a, p, em, sizeof(em));
		if (err == EINVAL)
			cx_log(CX_LOG_ERR, NULL, "--sip-credentials %s:%u: %s", file, ln, em);
	}
	memset(line, 0, sizeof(line));
	fclose(f);
	if (err) {
		mem_deref(a);
		return err;
	}
	*ap = a;
	return 0;
}

size_t cx_sipauth_count(const cx_sipauth *a)
{
	return a ? a->n : 0;
}

/* The entry for realm, else for host, else '*'; NULL when none. */
static const cx_sipauth_ent *cx_sipauth__find(const cx_sipauth *a, const char *realm, const char *host)
{
	const char *keys[3] = {realm, host, "*"};
	size_t i, k;

	for (k = 0; a && k < 3; k++) {
		for (i = 0; keys[k] && i < a->n; i++)
			if (!strcasecmp(a->ent[i].key, keys[k]))
				return &a->ent[i];
	}
	return NULL;
}

static void cx_sipauth__req_destroy(void *arg)
{
	cx_sipauth_req *r = arg;

	mem_deref(r->creds);
	mem_deref(r->host);
}

int cx_sipauth_req_alloc(cx_sipauth_req **rp, cx_sipauth *creds, const char *uri)
{
	cx_sipauth_req *r = mem_zalloc(sizeof(*r), cx_sipauth__req_destroy);
	struct uri u;
	struct pl pl;

	if (!r)
		return ENOMEM;
	r->creds = mem_ref(creds);
	pl_set_str(&pl, uri ? uri : "");
	if (uri && !uri_decode(&u, &pl) && pl_isset(&u.host))
		(void)pl_strdup(&r->host, &u.host);
	*rp = r;
	return 0;
}

/* libre's sip_auth_h: the user and password for realm (libre frees them). */
int cx_sipauth_h(char **user, char **pass, const char *realm, void *arg)
{
	cx_sipauth_req *r = arg;
	const cx_sipauth_ent *e = cx_sipauth__find(r->creds, realm, r->host);
	int err;

	(void)re_snprintf(r->realm, sizeof(r->realm), "%s", realm ? realm : "");
	r->tries++;
	if (!e) {
		r->user[0] = '\0';
		r->missing = 1;
		return ENOENT;
	}
	(void)re_snprintf(r->user, sizeof(r->user), "%s", e->user);
	err = str_dup(user, e->user);
	if (!err)
		err = str_dup(pass, e->pass);
	return err;
}

/* "realm 'R', user 'U'" or "realm 'R': no credentials in --sip-credentials", for log lines. */
int cx_sipauth_why(struct re_printf *pf, void *arg)
{
	const cx_sipauth_req *r = arg;

	if (!r || !r->tries)
		return re_hprintf(pf, "no challenge answered");
	if (r->missing)
		return re_hprintf(pf, "no credentials for realm '%H' or host '%H' in --sip-credentials",
				  cx_rt_esc, r->realm, cx_rt_esc, r->host ? r->host : "");
	return re_hprintf(pf, "the credentials of user '%H' for realm '%H' were refused",
			  cx_rt_esc, r->user, cx_rt_esc, r->realm);
}
