/*
 * doccomp.c — cx_doccomp: a CCXML document fetched at run time becomes a cx_doc of this
 * process (docs/fetch.md). The body is hashed (SHA-256); a document of the same content that
 * is already loaded is reused, one compiled earlier (by this process or another) is loaded
 * from the cache directory, and only a new one is compiled: the program's own ccxmlc compiles
 * it (`ccxmlc --shared`, docs/decisions.md says why not in this process), as a child of the
 * compile server (docserv.c: a ccxmlc started once, which forks one per document) or, without
 * the server, as a child process of ours. Its output is read inside the libre loop
 * (fd_listen) and it is killed when it takes too long. The object is dlopen()ed and checked
 * (cx_doc_check) before anything runs it.
 *
 * Loaded objects are never unloaded: sessions may be running them, and their code and
 * constants are referenced from session state. Their number is bounded instead.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <dlfcn.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include "rt.h"

/* The compiler when $CCXMLC is not set: a program made by ccxmlc sets CCXMLC to that ccxmlc
 * in its main (compiler/main.c); an embedder's program finds it on PATH. */
#define CX_CCXMLC "ccxmlc"
#define CX_DOCCOMP_MAXLOADED 256     /* documents loaded at run time */
#define CX_DOCCOMP_TIMEOUT_MS 20000  /* one compile, unless $CCXML_DOC_COMPILE_MS says */
#define CX_DOCCOMP_MAXDIAG 4096      /* compiler output kept */
#define CX_DOCCOMP_KEEPDIR 1000      /* programs kept in the cache directory, unless
				      * $CCXML_DOC_CACHE_MAX says */
#define CX_DOCCOMP_MAXRUN 4          /* compiles at a time, unless $CCXML_DOC_COMPILES says */
#define CX_DOCCOMP_QUEUE 16          /* compiles waiting, per one at a time */
/* One compile's address space (MiB) and CPU time (s), unless $CCXML_DOC_COMPILE_MB and
 * $CCXML_DOC_COMPILE_CPU say (0: none); set by the compiler on itself (compiler/cserve.c).
 * Measured with tcc (docs/fetch.md): ccxmlc's own address space is 350-400 MiB before it
 * reads a byte (its compile thread's stack, libraries, libtcc's arena); a document of 850 KB
 * of transitions and scripts compiles in 1.2 s within 800 MiB, one of 6 KB (the largest of
 * tests/) in 0.02 s within 400 MiB, a hostile 1.1 MiB of functions takes 5.7 s and 710 MB. */
#define CX_DOCCOMP_MEM_MB 1024
#define CX_DOCCOMP_CPU_S 10

extern char **environ;

typedef struct cx_docwait {
	struct le le;
	cx_docload_h *h;
	cx_vxload_h *vh;       /* a VoiceXML document's waiter (h NULL) */
	void *arg;             /* a reference */
} cx_docwait;

typedef struct cx_docent {
	struct le le;
	char hash[65];
	char *url;             /* where it was first fetched from */
	char *base;            /* its root's xml:base (NULL: url): the base of its relative URIs */
	const cx_doc *doc;     /* NULL while compiling */
	int vxml;              /* a VoiceXML document (HASH.vxml): vx, not doc */
	int js;                /* a script for <script fetchid> (HASH.js): its doc's init runs it */
	const cx_vx_doc *vx;
	pid_t pid;             /* the compiler (its process group), once known */
	uint32_t sid;          /* its request to the compile server, 0: our own child */
	int sstatus;           /* the server's 'X' (wait status) ... */
	int sdone;             /* ... when it has come (or the server has gone: -1) */
	size_t nscripts;       /* its <script src> files (DIR/HASH-K.js) and <grammar src> ones */
	uint32_t grams;        /* ... bit K: the Kth is a grammar (DIR/HASH-K.grxml) */
	uint32_t apps;         /* ... bit K: the Kth is the application root (DIR/HASH-K.vxml,
				* ccxmlc --app-file; the files after it are its own) */
	char *surl[32];        /* ... their URLs, for the diagnostics (NULL: not known) */
	uint64_t t0;           /* when its compile started (ms) */
	int fd;                /* the compiler's stdout+stderr */
	struct tmr tmr;
	struct mbuf *diag;
	struct list waits;
	struct le qle;         /* in cx_doccomp.queue while it waits for a compile slot */
	int queued;            /* ... (its files are written) */
	int running;           /* counted in cx_doccomp.running */
	cx_engine *eng;
} cx_docent;

#define CX_DOCCOMP_MAXFRESH 1024      /* URLs kept (HTTP caching) */
#define CX_DOCCOMP_MAXFRESHB (64u << 20) /* ... and bytes of the bodies they keep (<data>,
					  * sources: 1 MiB each at most) */

/* A URL's last answer (HTTP caching): reused while fresh, revalidated with its validators. */
typedef struct cx_docfresh {
	struct le le;          /* most recently kept or used first */
	char *url;
	int vxml;              /* the program is a cx_vx_doc */
	const void *doc;
	cx_docval v;
	size_t size;           /* bytes of a body it keeps (counted in cx_doccomp.freshb) */
	struct cx_doccomp *c;
} cx_docfresh;

struct cx_doccomp {
	struct list ents;
	struct list fresh;
	size_t freshb;         /* bytes the fresh list keeps (cx_docfresh.size) */
	struct list held;      /* objects freed with the engine (cx_doccomp_hold) */
	uint32_t timeout_ms;   /* one compile */
	uint32_t mem_mb, cpu_s;/* ... its limits (0: none) */
	char limenv[2][48];    /* ... as the compiler's environment has them */
	char *dir;
	uint32_t nloaded;
	uint32_t keepdir;      /* programs the cache directory keeps (cx_doccomp__trim) */
	struct cx_docsrv *srv; /* the compile server, NULL: not started */
	int nosrv;             /* it cannot be used: $CCXML_DOC_SERVER=0, or it failed */
	int warm;              /* cx_doccomp_warm has readied the libraries */
	/* Compiles at a time: a hostile web server (or document) can have many different
	 * documents fetched at once, and ccxmlc takes about 1 GB and 10 s for 1 MiB of CCXML;
	 * the others wait their turn in order (at most CX_DOCCOMP_QUEUE * maxrun). */
	uint32_t running, maxrun;
	struct list queue;
};

/* The extension of its source in the cache directory */
static const char *cx_docent__ext(const cx_docent *d)
{
	return d->vxml ? "vxml" : d->js ? "js" : "ccxml";
}

/* the ccxmlc that compiles: $CCXMLC, else the one the program was built with */
static const char *cx_doccomp__ccxmlc(void)
{
	return getenv("CCXMLC") && *getenv("CCXMLC") ? getenv("CCXMLC") : CX_CCXMLC;
}

/* Remove name in the directory fd: a file, or a directory with what is in it, depth levels deep
 * at most; a symlink is removed, never followed. */
static void cx_doccomp__rm(int fd, const char *name, int depth)
{
	struct dirent *de;
	DIR *dir;
	int dfd;

	if (!unlinkat(fd, name, 0) || errno != EISDIR || depth < 1)
		return;
	dfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dir = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!dir) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			cx_doccomp__rm(dfd, de->d_name, depth - 1);
	closedir(dir);
	(void)unlinkat(fd, name, AT_REMOVEDIR);
}

/* What a compile's process pid leaves in the cache directory when it does not end by itself
 * (killed at the time limit, or by a signal: SIGKILL runs no clean-up of its own):
 * HASH.so.tmpPID, the object being written, and HASH.so.tmpPID.d, the temporary directory of
 * ccxmlc and of its C compiler (compiler/main.c, main__fetched_tmp), whose files are one or
 * two levels deep. Removed after every compile, however it ended. */
static void cx_doccomp__rmtmp(const struct cx_doccomp *c, const char *hash, pid_t pid)
{
	char name[96];
	int fd;

	if (pid <= 0 || !c->dir || (fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	snprintf(name, sizeof(name), "%s.so.tmp%ld", hash, (long)pid);
	cx_doccomp__rm(fd, name, 0);
	snprintf(name, sizeof(name), "%s.so.tmp%ld.d", hash, (long)pid);
	cx_doccomp__rm(fd, name, 2);
	close(fd);
}

static void cx_docent__destroy(void *arg)
{
	cx_docent *d = arg;

	tmr_cancel(&d->tmr);
	if (d->fd >= 0) {
		fd_close(d->fd);
		close(d->fd);
	}
	if (d->sid) {
		if (d->pid > 0)
			kill(-d->pid, SIGKILL);  /* the server reaps it */
		cx_docsrv_forget(d->eng->doccomp ? d->eng->doccomp->srv : NULL, d->sid);
	} else if (d->pid > 0) {
		kill(-d->pid, SIGKILL);
		(void)waitpid(d->pid, NULL, 0);
	}
	if (d->eng->doccomp)
		cx_doccomp__rmtmp(d->eng->doccomp, d->hash, d->pid);
	list_flush(&d->waits);
	list_unlink(&d->le);
	list_unlink(&d->qle);
	if (d->running && d->eng->doccomp)
		d->eng->doccomp->running--;
	mem_deref(d->url);
	mem_deref(d->base);
	mem_deref(d->diag);
	for (size_t k = 0; k < sizeof(d->surl) / sizeof(d->surl[0]); k++)
		mem_deref(d->surl[k]);
}

static void cx_docwait__destroy(void *arg)
{
	cx_docwait *w = arg;

	list_unlink(&w->le);
	mem_deref(w->arg);
}

static void cx_doccomp__destroy(void *arg)
{
	struct cx_doccomp *c = arg;

	list_flush(&c->ents);
	list_flush(&c->fresh);
	list_flush(&c->held);
	mem_deref(c->srv);
	mem_deref(c->dir);
}

/* The cache directory: $CCXML_DOC_CACHE, else $TMPDIR/ccxmlc-docs-UID; ours and private,
 * since what is in it is loaded as code. */
static int cx_doccomp__dir(char **dirp)
{
	const char *env = getenv("CCXML_DOC_CACHE"), *tmp = getenv("TMPDIR");
	struct stat st;
	int err;

	if (env && *env)
		err = str_dup(dirp, env);
	else
		err = re_sdprintf(dirp, "%s/ccxmlc-docs-%u", tmp && *tmp ? tmp : "/tmp",
				  (unsigned)getuid());
	if (err)
		return err;
	if (mkdir(*dirp, 0700) && errno != EEXIST)
		return errno;
	if (lstat(*dirp, &st))
		return errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077)) {
		cx_log(CX_LOG_ERR, NULL, "document cache %s: not a private directory of this user",
		       *dirp);
		return EPERM;
	}
	return 0;
}

/* A limit from the environment: a number, 0 for none; def when unset or not a number */
static uint32_t cx_doccomp__env(const char *name, uint32_t def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;
	n = strtoul(v, &end, 10);
	return *end || n > UINT32_MAX / 2 ? def : (uint32_t)n;
}

/* The engine's compile state, made on first use; with dir, also its cache directory (which only
 * a compile needs: starting the compile server creates nothing on disk). */
static int cx_doccomp__get(cx_engine *e, struct cx_doccomp **cp, int dir)
{
	struct cx_doccomp *c = e->doccomp;
	int err;

	if (!c) {
		c = mem_zalloc(sizeof(*c), cx_doccomp__destroy);
		if (!c)
			return ENOMEM;
		c->timeout_ms = CX_DOCCOMP_TIMEOUT_MS;
		if (getenv("CCXML_DOC_COMPILE_MS") && atoi(getenv("CCXML_DOC_COMPILE_MS")) > 0)
			c->timeout_ms = (uint32_t)atoi(getenv("CCXML_DOC_COMPILE_MS"));
		c->mem_mb = cx_doccomp__env("CCXML_DOC_COMPILE_MB", CX_DOCCOMP_MEM_MB);
		c->cpu_s = cx_doccomp__env("CCXML_DOC_COMPILE_CPU", CX_DOCCOMP_CPU_S);
		snprintf(c->limenv[0], sizeof(c->limenv[0]), "CCXML_DOC_COMPILE_MB=%u", c->mem_mb);
		snprintf(c->limenv[1], sizeof(c->limenv[1]), "CCXML_DOC_COMPILE_CPU=%u", c->cpu_s);
		c->keepdir = CX_DOCCOMP_KEEPDIR;
		c->nosrv = getenv("CCXML_DOC_SERVER") && !strcmp(getenv("CCXML_DOC_SERVER"), "0");
		if (getenv("CCXML_DOC_CACHE_MAX") && atoi(getenv("CCXML_DOC_CACHE_MAX")) > 0)
			c->keepdir = (uint32_t)atoi(getenv("CCXML_DOC_CACHE_MAX"));
		c->maxrun = CX_DOCCOMP_MAXRUN;
		if (getenv("CCXML_DOC_COMPILES") && atoi(getenv("CCXML_DOC_COMPILES")) > 0)
			c->maxrun = (uint32_t)atoi(getenv("CCXML_DOC_COMPILES"));
		e->doccomp = c;
	}
	if (dir && !c->dir) {
		err = cx_doccomp__dir(&c->dir);
		if (err) {
			c->dir = mem_deref(c->dir);
			return err;
		}
	}
	*cp = c;
	return 0;
}

/* SHA-256 of the body and, after each a separator and its length, its scripts, grammars and
 * application root (ss: which is which; NULL: scripts), the root's URL too (the compiled
 * leaf names its application by it: cx_vx_doc.app) */
static void cx_doccomp__hash(const char *body, size_t len, const cx_docscripts *ss,
			     struct mbuf *const *scripts, size_t ns, int vxml, int js, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	int ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) && EVP_DigestUpdate(x, body, len);
	size_t k;

	for (k = 0; ok && k < ns; k++) {
		const cx_docsrc *src = ss && k < ss->n ? &ss->v[k] : NULL;
		char sep[40];
		int m = snprintf(sep, sizeof(sep), "%c<%s %zu>", 0, src && src->app ? "app" :
				 src && src->gram ? "grammar" : "script", scripts[k]->end);
		ok = EVP_DigestUpdate(x, sep, (size_t)m) &&
		     EVP_DigestUpdate(x, scripts[k]->buf, scripts[k]->end);
		if (ok && src && src->app)
			ok = EVP_DigestUpdate(x, src->url, strlen(src->url) + 1);
	}
	if (vxml) /* the same bytes as a VoiceXML document are another program */
		ok = ok && EVP_DigestUpdate(x, "\0<vxml>", 7);
	if (js)   /* and as a script */
		ok = ok && EVP_DigestUpdate(x, "\0<js>", 5);
	if (!ok || !EVP_DigestFinal_ex(x, md, &n))
		n = 0;
	EVP_MD_CTX_free(x);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = 0;
}

/* Tell every waiter (each exactly once), then forget them. */
static void cx_docent__tell(cx_docent *d, const char *why)
{
	while (d->waits.head) {
		cx_docwait *w = d->waits.head->data;
		list_unlink(&w->le);
		if (w->vh)
			w->vh(d->eng, why ? NULL : d->vx, why, w->arg);
		else
			w->h(d->eng, why ? NULL : d->doc, why, w->arg);
		mem_deref(w);
	}
}

static void cx_docent__fail(cx_docent *d, const char *why)
{
	mem_ref(d);
	cx_docent__tell(d, why);
	mem_deref(d);  /* the list's: a failed document is compiled again when asked again */
	mem_deref(d);
}

/* Load DIR/HASH.so; 0 or an errno with why filled. */
static int cx_docent__load(struct cx_doccomp *c, cx_docent *d, char *why, size_t sz)
{
	char path[512];
	void *h;
	const cx_doc *const *dp;

	if (c->nloaded >= CX_DOCCOMP_MAXLOADED) {
		snprintf(why, sz, "too many documents loaded at run time (%u)", CX_DOCCOMP_MAXLOADED);
		return EMFILE;
	}
	snprintf(path, sizeof(path), "%s/%s.so", c->dir, d->hash);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sz, "cannot load the compiled document: %s", dlerror());
		return ENOENT;
	}
	if (d->vxml) {
		const cx_vx_doc *const *vp = dlsym(h, "cx_shared_vxml");
		if (!vp || !*vp || (*vp)->abi != CX_ABI_VERSION) {
			if (!vp || !*vp)
				snprintf(why, sz, "the compiled document has no cx_shared_vxml");
			else
				snprintf(why, sz, "VoiceXML dialog compiled for runtime ABI %u, this runtime "
					 "is ABI %d", (unsigned)(*vp)->abi, CX_ABI_VERSION);
			dlclose(h);
			unlink(path);
			return EPROTO;
		}
		d->vx = *vp;  /* its constructor registered it (cx_vx_register) */
		c->nloaded++;
		(void)utimensat(AT_FDCWD, path, NULL, 0);
		snprintf(path, sizeof(path), "%s/%s.vxml", c->dir, d->hash);
		(void)utimensat(AT_FDCWD, path, NULL, 0);
		return 0;
	}
	dp = dlsym(h, "cx_shared_doc");
	if (!dp || !*dp || cx_doc_check(*dp, why, sz)) {
		if (!dp || !*dp)
			snprintf(why, sz, "the compiled document has no cx_shared_doc");
		dlclose(h);
		unlink(path);
		return EPROTO;
	}
	d->doc = *dp;
	c->nloaded++;
	/* used now: the last the directory's trim removes */
	(void)utimensat(AT_FDCWD, path, NULL, 0);
	snprintf(path, sizeof(path), "%s/%s.%s", c->dir, d->hash, cx_docent__ext(d));
	(void)utimensat(AT_FDCWD, path, NULL, 0);
	return 0;
}

/* DIR/HASH-K.js, d's Kth script, or DIR/HASH-K.grxml, its Kth file a grammar, or
 * DIR/HASH-K.vxml, its application root */
static void cx_docent__part(const struct cx_doccomp *c, const cx_docent *d, size_t k,
			    char *path, size_t sz)
{
	snprintf(path, sz, "%s/%s-%zu.%s", c->dir, d->hash, k,
		 k >= 32 ? "js" : d->apps >> k & 1 ? "vxml" : d->grams >> k & 1 ? "grxml" : "js");
}

/* The length of the cache file's name at p (DIR/HASH.EXT, or DIR/HASH-K.js: a script's,
 * .grxml: a grammar's) and the URL it stands for, or 0 */
static size_t cx_docent__name(const struct cx_doccomp *c, const cx_docent *d, const char *p,
			      const char **url)
{
	char path[512];
	size_t k, pl;

	snprintf(path, sizeof(path), "%s/%s.%s", c->dir, d->hash, cx_docent__ext(d));
	pl = strlen(path);
	if (!strncmp(p, path, pl)) {
		*url = d->url;
		return pl;
	}
	for (k = 0; k < d->nscripts; k++) {
		cx_docent__part(c, d, k, path, sizeof(path));
		pl = strlen(path);
		if (d->surl[k] && !strncmp(p, path, pl)) {
			*url = d->surl[k];
			return pl;
		}
	}
	return 0;
}

/* The compiler's diagnostics with the cache files' names replaced by their URLs (the
 * document's, its scripts'): the first error line (what `reason` carries), or the whole output
 * when none says "error". */
static void cx_docent__diag(struct cx_doccomp *c, cx_docent *d, char *out, size_t sz)
{
	char *text, *p, *line;
	const char *url;
	size_t pl;
	struct mbuf *mb = mbuf_alloc(256);

	if (!mb || mbuf_write_u8(d->diag, 0)) {
		snprintf(out, sz, "the document does not compile");
		mem_deref(mb);
		return;
	}
	text = (char *)d->diag->buf;
	for (p = text; *p;) {
		if (*p == *c->dir && (pl = cx_docent__name(c, d, p, &url)) > 0) {
			(void)mbuf_write_str(mb, url);
			p += pl;
		} else {
			(void)mbuf_write_u8(mb, (uint8_t)*p++);
		}
	}
	(void)mbuf_write_u8(mb, 0);
	text = (char *)mb->buf;
	line = strstr(text, ": error: ");
	if (line) {
		while (line > text && line[-1] != '\n')
			--line;
		p = strchr(line, '\n');
		if (p)
			*p = 0;
	} else {
		line = text;
	}
	/* an error of the compile itself (`ccxmlc: error: the C compiler failed`), not of a place
	 * in the document: the reason names the document */
	if (!*line)
		snprintf(out, sz, "%s does not compile", d->url);
	else if (!strncmp(line, "ccxmlc: ", 8))
		snprintf(out, sz, "compile of %s: %s", d->url,
			 line + 8 + (strncmp(line + 8, "error: ", 7) ? 0 : 7));
	else
		snprintf(out, sz, "%s", line);
	mem_deref(mb);
}

/* A compile's temporary of the cache directory (HASH.so.tmpPID, HASH.so.tmpPID.d): its PID,
 * else 0 */
static long cx_docfile__tmp(const char *n)
{
	char *end;
	long pid;
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return 0;
	if (strncmp(n + 64, ".so.tmp", 7) || !(n[71] >= '1' && n[71] <= '9'))
		return 0;
	pid = strtol(n + 71, &end, 10);
	return !*end || !strcmp(end, ".d") ? pid : 0;
}

typedef struct cx_docfile {
	char name[72];         /* HASH.so or HASH.ccxml */
	struct timespec mtime;
} cx_docfile;

static int cx_docfile__cmp(const void *a, const void *b)
{
	const cx_docfile *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : x->mtime.tv_nsec > y->mtime.tv_nsec;
}

/* A file of ours in the cache directory: 64 hex digits, then .so or .ccxml. */
static int cx_docfile__ours(const char *n)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return 0;
	if (n[64] == '-') {        /* HASH-K.js, HASH-K.grxml: a script, a grammar of a document */
		for (i = 65; n[i] >= '0' && n[i] <= '9'; i++)
			;
		return i > 65 && (!strcmp(n + i, ".js") || !strcmp(n + i, ".grxml") ||
				  !strcmp(n + i, ".vxml"));
	}
	return !strcmp(n + 64, ".so") || !strcmp(n + 64, ".ccxml") || !strcmp(n + 64, ".vxml") ||
	       !strcmp(n + 64, ".js");
}

/* Keep the cache directory to keepdir programs (2 files each: HASH.ccxml, HASH.so; scripts
 * HASH-K.js, grammars HASH-K.grxml and application roots HASH-K.vxml count as more files of
 * theirs): the
 * files least recently compiled or loaded (mtime, touched on each load) are removed first.
 * A program loaded by a running process stays mapped in it; a process that misses it
 * compiles it again. Files not named like ours are never touched. */
static void cx_doccomp__trim(cx_engine *e, struct cx_doccomp *c)
{
	DIR *dir = opendir(c->dir);
	struct dirent *de;
	cx_docfile *v = NULL, *nv;
	size_t n = 0, cap = 0, i, max = 2 * (size_t)c->keepdir;
	char path[512];
	struct stat st;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		long pid = cx_docfile__tmp(de->d_name);
		/* a compile's temporary whose process has gone (of another process sharing the
		 * directory, or one the kill outran) and that is older than a compile can be */
		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH &&
		    !fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    time(NULL) - st.st_mtim.tv_sec > (time_t)(c->timeout_ms / 1000 + 60))
			cx_doccomp__rm(dirfd(dir), de->d_name, 2);
		if (strlen(de->d_name) >= sizeof(v->name) || !cx_docfile__ours(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, de->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		memcpy(v[n].name, de->d_name, strlen(de->d_name) + 1);
		v[n++].mtime = st.st_mtim;
	}
	closedir(dir);
	if (n > max) {
		qsort(v, n, sizeof(*v), cx_docfile__cmp);
		for (i = 0; i < n - max; i++) {
			snprintf(path, sizeof(path), "%s/%s", c->dir, v[i].name);
			if (!unlink(path))
				e->met.doc_cache_removed++;
		}
		cx_log(CX_LOG_INFO, NULL, "document cache %s: %zu old files removed (keeps %u "
		       "programs)", c->dir, n - max, c->keepdir);
	}
	free(v);
}

static void cx_docent__ended(cx_docent *d);

/* Whether a compile that failed with status hit one of c's limits (compiler/cserve.c sets
 * them), with why saying which. The CPU time: SIGXCPU, or the message of gcc's driver when
 * its cc1 died of it. The address space: no signal says so, a failed allocation does: the
 * messages of ccxmlc, tree-sitter, libtcc, libxml2 or cc1 when one of them cannot allocate. */
static bool cx_docent__limit(const struct cx_doccomp *c, const cx_docent *d, int status,
			     char *why, size_t sz)
{
	static const char *const oom[] = {"out of memory", "failed to allocate", "failed to reallocate",
					  "memory full", "Cannot allocate memory", "memory exhausted",
					  "Memory allocation failed"};
	char text[CX_DOCCOMP_MAXDIAG + 1];
	size_t len = d->diag->end < CX_DOCCOMP_MAXDIAG ? d->diag->end : CX_DOCCOMP_MAXDIAG;

	memcpy(text, d->diag->buf, len);
	text[len] = 0;
	if (c->cpu_s && ((WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) ||
			 strstr(text, "CPU time limit exceeded"))) {
		snprintf(why, sz, "compile of %s exceeded the CPU-time limit (%u s)", d->url,
			 c->cpu_s);
		return true;
	}
	for (size_t i = 0; c->mem_mb && i < sizeof(oom) / sizeof(oom[0]); i++)
		if (strstr(text, oom[i])) {
			snprintf(why, sz, "compile of %s exceeded the memory limit (%u MiB)", d->url,
				 c->mem_mb);
			return true;
		}
	return false;
}

static void cx_docent__finish(cx_docent *d, int status, int killed)
{
	struct cx_doccomp *c = d->eng->doccomp;
	char why[768];

	cx_docent__ended(d);
	if (killed) {
		snprintf(why, sizeof(why), "%s: compiling took more than %u ms", d->url,
			 c->timeout_ms);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!cx_docent__limit(c, d, status, why, sizeof(why)))
			cx_docent__diag(c, d, why, sizeof(why));
	} else if (!cx_docent__load(c, d, why, sizeof(why))) {
		cx_engine *e = d->eng;
		cx_log(CX_LOG_INFO, NULL, "document %H compiled (%s) in %llu ms", cx_rt_esc, d->url,
		       d->hash, (unsigned long long)(tmr_jiffies() - d->t0));
		/* the sessions first: trimming reads the whole cache directory (a stat per file) */
		cx_docent__tell(d, NULL);
		cx_doccomp__trim(e, c);
		return;
	}
	cx_log(CX_LOG_WARN, NULL, "document %H: %H", cx_rt_esc, d->url, cx_rt_esc, why);
	cx_docent__fail(d, why);
}

/* A compile through the server ends when both its output has ended and the server has said
 * how it exited (or has gone: then its object tells). */
static void cx_docent__srvend(cx_docent *d)
{
	char so[512];
	int status = d->sstatus;

	if (d->fd >= 0 || !d->sdone)
		return;
	if (d->sdone < 0) {
		snprintf(so, sizeof(so), "%s/%s.so", d->eng->doccomp->dir, d->hash);
		status = access(so, R_OK) ? 1 << 8 : 0;  /* written only when it compiled */
	}
	tmr_cancel(&d->tmr);
	cx_doccomp__rmtmp(d->eng->doccomp, d->hash, d->pid);
	d->sid = 0;
	d->pid = 0;
	cx_docent__finish(d, status, 0);
}

static void cx_docent__reap(cx_docent *d, int killed)
{
	int status = 0;

	if (d->fd >= 0) {
		fd_close(d->fd);
		close(d->fd);
		d->fd = -1;
	}
	if (d->sid && !killed) {
		cx_docent__srvend(d);
		return;
	}
	tmr_cancel(&d->tmr);
	if (killed && d->pid > 0)
		kill(-d->pid, SIGKILL);
	if (d->sid) {
		cx_docsrv_forget(d->eng->doccomp->srv, d->sid);
		d->sid = 0;
		if (killed && d->pid <= 0)  /* the server never said it started one */
			cx_docsrv_kill(d->eng->doccomp->srv);
	} else {
		(void)waitpid(d->pid, &status, 0);
	}
	cx_doccomp__rmtmp(d->eng->doccomp, d->hash, d->pid);
	d->pid = 0;
	cx_docent__finish(d, status, killed);
}

static int cx_docent__run(struct cx_doccomp *c, cx_docent *d);

/* A compile the server will not finish: stop reading its output and timing it. */
static void cx_docent__unwatch(cx_docent *d)
{
	if (d->fd >= 0) {
		fd_close(d->fd);
		close(d->fd);
		d->fd = -1;
	}
	tmr_cancel(&d->tmr);
	d->sid = 0;
}

/* The compile server about one of ours */
static void cx_docent__srvh(void *arg, char kind, int32_t val)
{
	cx_docent *d = arg;
	char why[768];

	switch (kind) {
	case 'P':
		d->pid = (pid_t)val;
		break;
	case 'L':
		if (d->pid <= 0) {  /* it went before starting ours: compile with a child of ours */
			cx_docent__unwatch(d);
			val = cx_docent__run(d->eng->doccomp, d);
			if (val) {
				cx_docent__ended(d);
				snprintf(why, sizeof(why), "cannot run the compiler: %s", strerror(val));
				cx_docent__fail(d, why);
			}
			break;
		}
		/* fall through */
	case 'X':
		d->sstatus = val;
		d->sdone = kind == 'X' ? 1 : -1;
		cx_docent__srvend(d);
		break;
	default:  /* 'E': nothing was started */
		cx_docent__unwatch(d);
		cx_docent__ended(d);
		snprintf(why, sizeof(why), "the compile server could not start the compiler: %s",
			 strerror(val));
		cx_docent__fail(d, why);
		break;
	}
}

static void cx_docent__readh(int flags, void *arg)
{
	cx_docent *d = arg;
	char buf[1024];
	ssize_t n = read(d->fd, buf, sizeof(buf));

	if (n > 0) {
		if (d->diag->end + (size_t)n <= CX_DOCCOMP_MAXDIAG)
			(void)mbuf_write_mem(d->diag, (uint8_t *)buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	cx_docent__reap(d, 0);  /* EOF: the compiler and its children have exited */
}

static void cx_docent__timeout(void *arg)
{
	cx_docent__reap(arg, 1);
}

/* The C compiler for ccxmlc: $CCXML_DOC_CC, else tcc when it is installed (a tenth of gcc's
 * time: docs/decisions.md), else ccxmlc's own default. The environment is environ with
 * CC=that and c's limits (the compiler sets them on itself: compiler/cserve.c), in env (at
 * most n entries). */
static void cx_docent__env(const struct cx_doccomp *c, char **env, size_t n, char *cc,
			   size_t ccsz)
{
	const char *dc = getenv("CCXML_DOC_CC");
	size_t i, k = 0;

	cc[0] = 0;
	if (dc && *dc)
		snprintf(cc, ccsz, "CC=%s", dc);
	else if (!access("/usr/bin/tcc", X_OK))
		snprintf(cc, ccsz, "CC=/usr/bin/tcc");
	for (i = 0; environ[i] && k + 4 < n; i++)
		if ((!cc[0] || strncmp(environ[i], "CC=", 3)) &&
		    strncmp(environ[i], "CCXML_DOC_COMPILE_MB=", 21) &&
		    strncmp(environ[i], "CCXML_DOC_COMPILE_CPU=", 22))
			env[k++] = environ[i];
	if (cc[0])
		env[k++] = cc;
	env[k++] = (char *)c->limenv[0];
	env[k++] = (char *)c->limenv[1];
	env[k] = NULL;
}

static int cx_docent__write(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return errno;
	err = fwrite(p, 1, len, f) != len ? EIO : 0;
	if (fclose(f) && !err)
		err = EIO;
	return err;
}

/* Run `ccxmlc --shared -O0 --no-line --fetched [--script-file DIR/HASH-K.js]...
 * [--grammar-file DIR/HASH-K.grxml]... [--app-file DIR/HASH-K.vxml --app-url URL [the root's
 * --script-file and --grammar-file]...] -o DIR/HASH.so DIR/HASH.ccxml` on the files
 * cx_docent__spawn wrote: through the compile server when it is up, else as a child of ours;
 * 0 or an errno. */
static int cx_docent__run(struct cx_doccomp *c, cx_docent *d)
{
	char src[512], so[512], js[32][512];
	const char *cc = cx_doccomp__ccxmlc();
	/* no #line: nobody debugs these, and tcc reads a tenth less */
	/* --fetched: a <script src> or <grammar src> the scan did not see (runtime/docscript.c) is
	 * an error, not a file of this machine named by a hostile document */
	char *argv[12 + 2 * 32] = {(char *)cc, "--shared", "-O0", "--no-line", "--fetched"};
	char *env[512], ccv[256];
	int p[2], err, a = 5;
	size_t k;

	snprintf(src, sizeof(src), "%s/%s.%s", c->dir, d->hash, cx_docent__ext(d));
	snprintf(so, sizeof(so), "%s/%s.so", c->dir, d->hash);
	for (k = 0; k < d->nscripts; k++) {
		cx_docent__part(c, d, k, js[k], sizeof(js[k]));
		argv[a++] = d->apps >> k & 1 ? "--app-file" :
			    d->grams >> k & 1 ? "--grammar-file" : "--script-file";
		argv[a++] = js[k];
		if (d->apps >> k & 1 && d->surl[k]) { /* one root: the URL its application is */
			argv[a++] = "--app-url";
			argv[a++] = d->surl[k];
		}
	}
	argv[a++] = "-o";
	argv[a++] = so;
	argv[a++] = src;
	argv[a] = NULL;
	if (pipe(p))
		return errno;
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	cx_doccomp_warm(d->eng);
	if (cx_docsrv_up(c->srv) && !cx_docsrv_send(c->srv, argv, p[1], cx_docent__srvh, d,
						    &d->sid)) {
		err = 0;
	} else {
		/* its own group: a timeout kills cc1 too */
		cx_docent__env(c, env, sizeof(env) / sizeof(env[0]), ccv, sizeof(ccv));
		err = cx_spawn_group(&d->pid, cc, argv, env, -1, p[1], p[1]);
	}
	close(p[1]);
	if (err) {
		close(p[0]);
		d->pid = 0;
		return err;
	}
	d->fd = p[0];
	d->eng->met.doc_compiles++;
	err = fd_listen(d->fd, FD_READ, cx_docent__readh, d);
	if (err) {
		if (d->sid) {
			cx_docsrv_forget(c->srv, d->sid);  /* its output's end makes it exit */
			d->sid = 0;
		} else {
			kill(-d->pid, SIGKILL);
			(void)waitpid(d->pid, NULL, 0);
			cx_doccomp__rmtmp(c, d->hash, d->pid);
			d->pid = 0;
		}
		return err;
	}
	tmr_start(&d->tmr, c->timeout_ms, cx_docent__timeout, d);
	return 0;
}

/* Compile d now, in one of the c->maxrun slots; 0 or an errno. */
static int cx_docent__start(struct cx_doccomp *c, cx_docent *d)
{
	int err;

	d->t0 = tmr_jiffies();
	err = cx_docent__run(c, d);
	if (!err) {
		d->running = 1;
		c->running++;
	}
	return err;
}

/* d's compile has ended (or never began): its slot goes to the compiles waiting, in order. */
static void cx_docent__ended(cx_docent *d)
{
	struct cx_doccomp *c = d->eng->doccomp;
	char why[768];
	int err;

	if (!d->running)
		return;
	d->running = 0;
	c->running--;
	while (c->queue.head && c->running < c->maxrun) {
		cx_docent *q = c->queue.head->data;
		list_unlink(&q->qle);
		q->queued = 0;
		err = cx_docent__start(c, q);
		if (err) {
			snprintf(why, sizeof(why), "cannot run the compiler %s: %s",
				 cx_doccomp__ccxmlc(), strerror(err));
			cx_docent__fail(q, why);
		}
	}
}

/* Write DIR/HASH.ccxml (or .vxml, .js) and its scripts, then compile them (or queue them for
 * a free slot); 0 or an errno. */
static int cx_docent__spawn(struct cx_doccomp *c, cx_docent *d, const char *body, size_t len,
			    struct mbuf *const *scripts, size_t ns)
{
	char path[512];
	int err;
	size_t k;

	if (ns > 32)
		return E2BIG;
	if (c->running >= c->maxrun && list_count(&c->queue) >= CX_DOCCOMP_QUEUE * c->maxrun)
		return EAGAIN;
	snprintf(path, sizeof(path), "%s/%s.%s", c->dir, d->hash, cx_docent__ext(d));
	err = cx_docent__write(path, body, len);
	for (k = 0; !err && k < ns; k++) {
		cx_docent__part(c, d, k, path, sizeof(path));
		err = cx_docent__write(path, scripts[k]->buf, scripts[k]->end);
	}
	if (err)
		return err;
	d->nscripts = ns;
	if (c->running >= c->maxrun) {
		d->queued = 1;
		list_append(&c->queue, &d->qle, d);
		cx_log(CX_LOG_DEBUG, NULL, "document %H waits to be compiled (%u compiling, %u "
		       "waiting)", cx_rt_esc, d->url, c->running, list_count(&c->queue));
		return 0;
	}
	return cx_docent__start(c, d);
}

/* ss: the scripts' URLs (NULL: none known) */
static int cx_doccomp__with(cx_engine *e, const char *url, const char *base,
			    const cx_docscripts *ss, const char *body, size_t len,
			    struct mbuf *const *scripts, size_t nscripts, int js, cx_docload_h *h,
			    cx_vxload_h *vh, void *arg)
{
	size_t k;
	struct cx_doccomp *c;
	cx_docent *d = NULL;
	cx_docwait *w;
	char hash[65], why[768];
	struct le *le;
	int err;

	err = cx_doccomp__get(e, &c, 1);
	if (err)
		return err;
	cx_doccomp__hash(body, len, ss, scripts, nscripts, !!vh, js, hash);
	if (strlen(hash) != 64)
		return EIO;
	LIST_FOREACH(&c->ents, le) {
		cx_docent *x = le->data;
		if (!strcmp(x->hash, hash)) {
			d = x;
			break;
		}
	}
	if (d && (d->doc || d->vx)) {
		e->met.doc_cache_hits++;
		if (vh)
			vh(e, d->vx, NULL, arg);
		else
			h(e, d->doc, NULL, arg);
		return 0;
	}
	w = mem_zalloc(sizeof(*w), cx_docwait__destroy);
	if (!w)
		return ENOMEM;
	w->h = h;
	w->vh = vh;
	w->arg = mem_ref(arg);
	if (d) {                    /* the same content is being compiled: wait for it */
		list_append(&d->waits, &w->le, w);
		return 0;
	}
	d = mem_zalloc(sizeof(*d), cx_docent__destroy);
	if (!d || str_dup(&d->url, url) || (base && str_dup(&d->base, base)) ||
	    !(d->diag = mbuf_alloc(256))) {
		mem_deref(w);
		mem_deref(d);
		return ENOMEM;
	}
	for (k = 0; ss && k < nscripts && k < ss->n && k < sizeof(d->surl) / sizeof(d->surl[0]); k++) {
		(void)str_dup(&d->surl[k], ss->v[k].url); /* NULL: the cache file's name stays */
		d->grams |= (uint32_t)!!ss->v[k].gram << k;
		d->apps |= (uint32_t)!!ss->v[k].app << k;
	}
	d->fd = -1;
	d->eng = e;
	d->vxml = !!vh;
	d->js = js;
	tmr_init(&d->tmr);
	memcpy(d->hash, hash, sizeof(hash));
	list_append(&c->ents, &d->le, d);
	list_append(&d->waits, &w->le, w);
	/* compiled before (this process or an earlier one): load it */
	if (!cx_docent__load(c, d, why, sizeof(why))) {
		e->met.doc_cache_hits++;
		cx_docent__tell(d, NULL);
		return 0;
	}
	err = cx_docent__spawn(c, d, body, len, scripts, nscripts);
	if (err == EAGAIN)
		snprintf(why, sizeof(why), "%s: too many documents waiting to be compiled (%u "
			 "compiling, %u waiting)", url, c->maxrun, CX_DOCCOMP_QUEUE * c->maxrun);
	else if (err)
		snprintf(why, sizeof(why), "cannot run the compiler %s: %s", cx_doccomp__ccxmlc(),
			 strerror(err));
	if (err)
		cx_docent__fail(d, why);
	return 0;
}

int cx_doccomp_with(cx_engine *e, const char *url, const cx_docscripts *ss, const char *body,
		    size_t len, struct mbuf *const *scripts, size_t nscripts, cx_docload_h *h,
		    void *arg)
{
	return cx_doccomp__with(e, url, ss ? ss->base : NULL, ss, body, len, scripts, nscripts, 0, h,
				NULL, arg);
}

int cx_doccomp_js(cx_engine *e, const char *url, const char *body, size_t len,
		  cx_docload_h *h, void *arg)
{
	return cx_doccomp__with(e, url, NULL, NULL, body, len, NULL, 0, 1, h, NULL, arg);
}

int cx_doccomp_vxml(cx_engine *e, const char *url, const cx_docscripts *ss, const char *body,
		    size_t len, struct mbuf *const *scripts, size_t nscripts, cx_vxload_h *h,
		    void *arg)
{
	return cx_doccomp__with(e, url, NULL, ss, body, len, scripts, nscripts, 0, NULL, h, arg);
}

const char *cx_doccomp_vxurl(const cx_engine *e, const cx_vx_doc *doc)
{
	struct le *le;

	if (!e || !e->doccomp || !doc)
		return NULL;
	LIST_FOREACH(&e->doccomp->ents, le) {
		cx_docent *d = le->data;
		if (d->vx == doc)
			return d->url;
	}
	return NULL;
}

int cx_doccomp_exc_where(const cx_engine *e, cx_ctx *X, const char **file)
{
	struct le *le;
	const char *url;
	int line = cx_exc_where(X, file);

	if (!e || !e->doccomp || !*file)
		return line;
	LIST_FOREACH(&e->doccomp->ents, le) {
		if (cx_docent__name(e->doccomp, le->data, *file, &url) == strlen(*file)) {
			*file = url; /* a fetched document's script */
			break;
		}
	}
	return line;
}

static const cx_docent *cx_doccomp__ent(const cx_engine *e, const cx_doc *doc)
{
	struct le *le;

	if (!e || !e->doccomp || !doc)
		return NULL;
	LIST_FOREACH(&e->doccomp->ents, le) {
		const cx_docent *d = le->data;
		if (d->doc && d->doc == doc)
			return d;
	}
	return NULL;
}

const char *cx_doccomp_url(const cx_engine *e, const cx_doc *doc)
{
	const cx_docent *d = cx_doccomp__ent(e, doc);

	return !d ? NULL : d->base ? d->base : d->url;
}

const char *cx_doccomp_srcurl(const cx_engine *e, const cx_doc *doc)
{
	const cx_docent *d = cx_doccomp__ent(e, doc);

	return d ? d->url : NULL;
}

uint32_t cx_doccomp_pending(const cx_engine *e)
{
	uint32_t n = 0;
	struct le *le;

	if (!e || !e->doccomp)
		return 0;
	LIST_FOREACH(&e->doccomp->ents, le) {
		const cx_docent *d = le->data;
		n += d->pid > 0 || d->sid || d->queued;
	}
	return n;
}

void cx_doccomp_warm(cx_engine *e)
{
	struct cx_doccomp *c;
	const char *cc = cx_doccomp__ccxmlc();
	char *env[512], ccv[256];
	int err;

	if (cx_doccomp__get(e, &c, 0))
		return;
	if (!c->warm) {
		/* What the first fetch would do first, done now: OpenSSL's digest looked up (the
		 * default provider loaded: 1.4 ms) and libxml2 initialised (the <script src> scan),
		 * 0.8 ms of a first fetch on the bench's machine. */
		static const char doc[] = "<ccxml version=\"1.0\"/>";
		char hash[65], why[64];
		cx_docscripts *ss = NULL;
		c->warm = 1;
		cx_doccomp__hash(doc, sizeof(doc) - 1, NULL, NULL, 0, 0, 0, hash);
		if (!cx_docscript_scan("warm.ccxml", doc, sizeof(doc) - 1, &ss, why, sizeof(why)))
			mem_deref(ss);
	}
	if (c->nosrv || cx_docsrv_up(c->srv))
		return;
	if (c->srv) {        /* it has gone (docserv.c said so): not started again */
		c->nosrv = 1;
		return;
	}
	cx_docent__env(c, env, sizeof(env) / sizeof(env[0]), ccv, sizeof(ccv));
	err = cx_docsrv_alloc(&c->srv, cc, env);
	if (err) {
		c->nosrv = 1;
		cx_log(CX_LOG_INFO, NULL, "no compile server (%s --compile-server: %s): documents "
		       "fetched at run time are compiled by a ccxmlc process each", cc, strerror(err));
		return;
	}
	cx_log(CX_LOG_INFO, NULL, "compile server started (%s --compile-server)", cc);
}

static void cx_docfresh__destroy(void *arg)
{
	cx_docfresh *f = arg;

	list_unlink(&f->le);
	mem_deref(f->url);
	if (f->vxml >= CX_DOC_DATA)  /* a <data> answer's body (an mbuf), a cx_jsprogs, a source */
		mem_deref((void *)f->doc);
	if (f->c)
		f->c->freshb -= f->size;
}

static cx_docfresh *cx_docfresh__find(struct cx_doccomp *c, const char *url, int vxml)
{
	struct le *le;

	LIST_FOREACH(&c->fresh, le) {
		cx_docfresh *f = le->data;
		if (f->vxml == vxml && !strcmp(f->url, url))
			return f;
	}
	return NULL;
}

const void *cx_doccomp_cached(cx_engine *e, const char *url, int vxml, cx_docval *v)
{
	cx_docfresh *f;

	if (!e || !e->doccomp || !url)
		return NULL;
	f = cx_docfresh__find(e->doccomp, url, vxml);
	if (!f)
		return NULL;
	if (v)
		*v = f->v;
	list_unlink(&f->le);  /* the least recently used is forgotten first */
	list_prepend(&e->doccomp->fresh, &f->le, f);
	return f->doc;
}

void cx_doccomp_keep(cx_engine *e, const char *url, int vxml, const void *doc,
		     const cx_docval *v, size_t size)
{
	struct cx_doccomp *c;
	cx_docfresh *f;

	if (!e || !url || cx_doccomp__get(e, &c, 0))  /* a source is kept before any compile */
		return;
	mem_deref(cx_docfresh__find(c, url, vxml));
	if (!v || !doc)
		return;
	f = mem_zalloc(sizeof(*f), cx_docfresh__destroy);
	if (!f || str_dup(&f->url, url)) {
		mem_deref(f);
		return;
	}
	f->doc = vxml >= CX_DOC_DATA ? mem_ref((void *)doc) : doc;
	f->vxml = vxml;
	f->v = *v;
	f->c = c;
	f->size = size;
	c->freshb += size;
	list_prepend(&c->fresh, &f->le, f);
	while (list_count(&c->fresh) > CX_DOCCOMP_MAXFRESH ||
	       (c->freshb > CX_DOCCOMP_MAXFRESHB && list_count(&c->fresh) > 1))
		mem_deref(list_tail(&c->fresh)->data);
}

void cx_doccomp_hold(cx_engine *e, struct le *le, void *obj)
{
	if (e && e->doccomp)
		list_append(&e->doccomp->held, le, obj);
}
