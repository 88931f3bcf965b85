/*
 * siphdr.c — custom SIP headers from a document's hints (docs/sip.md "Custom headers").
 *
 * hints.headers is an object of name -> string: each becomes a header line of the INVITE
 * (<createcall>) or of the final response (<reject>, <redirect> of a ringing call). Names must
 * be RFC 3261 tokens of 2 to 64 characters, not one of the headers the SIP stack writes itself
 * (Via, Call-ID, CSeq, Content-Length, From, To, Contact, Route … below); values are strings of
 * at most 1024 bytes without control characters (CR/LF would inject headers). Anything else is
 * refused with error.semantic by exec.c before the element acts. hints.pai asks for a
 * P-Asserted-Identity: true (the From identity) or a string (the identity, e.g. "<sip:+1…@x>").
 */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include "prov.h"

#define CX_SIPHDR_MAX 32
#define CX_SIPHDR_VALMAX 1024

/* Headers libre or sip.c write, or that change how the message is parsed or routed. */
static const char *const cx_siphdr__own[] = {
	"Via", "Call-ID", "CSeq", "Content-Length", "Content-Type", "Content-Encoding",
	"Content-Disposition", "MIME-Version", "From", "To", "Contact", "Max-Forwards", "Route",
	"Record-Route", "Authorization", "Proxy-Authorization", "WWW-Authenticate",
	"Proxy-Authenticate", "Allow", "Supported", "Require", "Proxy-Require", "Session-Expires",
	"Min-SE", "Expires", "Event", "Refer-To", "RSeq", "RAck", "P-Asserted-Identity",
	"X-CCXML-AAI",
};

static const cx_cval *cx_siphdr__get(const cx_cval *o, const char *key)
{
	uint32_t i;

	if (!o || o->tag != CX_T_OBJ)
		return NULL;
	for (i = 0; i < o->nkids; i++)
		if (o->keys[i] && !strcmp(o->keys[i], key))
			return o->kids[i];
	return NULL;
}

/* RFC 3261 §25.1 token: header names, option-tags (sip.c's Require check). */
bool cx_sip_token(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("-.!%*_+`'~", p[i]))
			return false;
	return n > 0;
}

static int cx_siphdr__absent(const cx_cval *v)
{
	return !v || v->tag == CX_T_UNDEF || v->tag == CX_T_NULL;
}

static int cx_siphdr__value_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return n <= CX_SIPHDR_VALMAX;
}

int cx_siphdr_check(const cx_cval *hints, char *em, size_t esz)
{
	const cx_cval *h = cx_siphdr__get(hints, "headers"), *pai = cx_siphdr__get(hints, "pai");
	uint32_t i;
	size_t k;

	if (!cx_siphdr__absent(pai) && pai->tag != CX_T_BOOL &&
	    (pai->tag != CX_T_STR || !*pai->s || !cx_siphdr__value_ok(pai->s))) {
		snprintf(em, esz, "hints.pai must be true or an identity string without control characters");
		return EINVAL;
	}
	if (cx_siphdr__absent(h))
		return 0;
	if (h->tag != CX_T_OBJ || h->isarr) {
		snprintf(em, esz, "hints.headers must be an object of header name: string");
		return EINVAL;
	}
	if (h->nkids > CX_SIPHDR_MAX) {
		snprintf(em, esz, "hints.headers has %u headers (at most %d)", h->nkids, CX_SIPHDR_MAX);
		return EINVAL;
	}
	for (i = 0; i < h->nkids; i++) {
		const char *n = h->keys[i] ? h->keys[i] : "";
		const cx_cval *v = h->kids[i];
		size_t l = strlen(n);
		if (l < 2 || l > 64 || !cx_sip_token(n, l)) {
			snprintf(em, esz, "hints.headers: '%.64s' is not a header name (2-64 letters, "
				 "digits or -.!%%*_+`'~)", n);
			return EINVAL;
		}
		for (k = 0; k < sizeof(cx_siphdr__own) / sizeof(cx_siphdr__own[0]); k++) {
			if (!strcasecmp(n, cx_siphdr__own[k])) {
				snprintf(em, esz, "hints.headers: %s is written by the SIP stack and cannot be "
					 "set%s", cx_siphdr__own[k],
					 !strcasecmp(n, "P-Asserted-Identity") ? " (use hints.pai)" : "");
				return EINVAL;
			}
		}
		if (!v || v->tag != CX_T_STR) {
			snprintf(em, esz, "hints.headers: the value of %s must be a string", n);
			return EINVAL;
		}
		if (!cx_siphdr__value_ok(v->s)) {
			snprintf(em, esz, "hints.headers: the value of %s has control characters (CR, LF …) "
				 "or is longer than %d bytes", n, CX_SIPHDR_VALMAX);
			return EINVAL;
		}
	}
	return 0;
}

/* "%H" handler: the checked headers of hints as header lines. */
int cx_siphdr_print(struct re_printf *pf, void *arg)
{
	const cx_cval *h = cx_siphdr__get(arg, "headers");
	uint32_t i;
	int err = 0;

	if (cx_siphdr__absent(h) || h->tag != CX_T_OBJ)
		return 0;
	for (i = 0; !err && i < h->nkids; i++)
		if (h->keys[i] && h->kids[i] && h->kids[i]->tag == CX_T_STR)
			err = re_hprintf(pf, "%s: %s\r\n", h->keys[i], h->kids[i]->s);
	return err;
}

const char *cx_siphdr_pai(const cx_cval *hints)
{
	const cx_cval *pai = cx_siphdr__get(hints, "pai");

	if (cx_siphdr__absent(pai))
		return NULL;
	if (pai->tag == CX_T_BOOL)
		return pai->n ? "" : NULL;
	return pai->s;
}
