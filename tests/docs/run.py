#!/usr/bin/env python3
"""tests/docs/run.py — runs the shell blocks of the user documentation as written.

    tests/docs/run.py [FILE.md ...]      (default: README.md, docs/*.md, examples/*/README.md)

Every fenced block whose language is sh (```sh) is a doc test. The blocks of one file run in
order, each with `bash -e` and a 300 s bound, in one scratch directory per file that holds a
symbolic link to every top-level entry of the repository: `build/ccxmlc`, `examples/…`,
`scripts/…` resolve as in the repository, while what a block writes (`hello`, `busy.sim`) stays
in the scratch directory. A block passes when it exits 0 and, for each of its lines that ends in
a comment `# logs "TEXT"`, its output holds TEXT.

An HTML comment on the line before a block, or on the line after its closing fence (invisible
when the Markdown is shown), changes that:
    <!-- doc-test: file NAME -->           the block (any language) is written to NAME
    <!-- doc-test: service SECONDS -->     the block starts a service: it passes when it is
                                           still running after SECONDS (then it is stopped)
    <!-- doc-test: skip REASON -->         not run (REASON is required and printed); its syntax
                                           is checked with `bash -n`, and every repository path
                                           it names (scripts/…, examples/…; not build/…) exists
Prints a line per block and `tests/docs: N of M blocks passed`; exit status 0 when all did.
"""
import glob, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MARK = re.compile(r'<!--\s*doc-test:\s*(file|service|skip)\s*(.*?)\s*-->')
FENCE = re.compile(r'^```(\S*)\s*$')
PATHS = re.compile(r'(?<![\w./-])((?:scripts|build|examples|dist|bench|tests|docs)/[\w./@*-]+)')


def blocks(path):
    """(line, language, marker, argument, text) of every fenced block of a Markdown file"""
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i + 1, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith('```'):
            j += 1
        prev = lines[i - 1] if i else ''
        after = lines[j + 1] if j + 1 < len(lines) else ''
        mk = MARK.search(prev) or MARK.search(after)
        out.append((start, lang, mk.group(1) if mk else None, mk.group(2) if mk else '',
                    '\n'.join(lines[i + 1:j]) + '\n'))
        i = j + 1
    return out


def scratch():
    d = tempfile.mkdtemp(prefix='ccxml-doctest.')
    for name in os.listdir(ROOT):
        if name not in ('.git',):
            os.symlink(os.path.join(ROOT, name), os.path.join(d, name))
    return d


def run_block(d, text, service):
    # CLUSTER_LIFE: a cluster a failing block leaves up (scripts/cluster.sh) ends by itself
    env = dict(os.environ, HOME=d, CLUSTER_LIFE='120')
    p = subprocess.Popen(['bash', '-e', '-c', text], cwd=d, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=service or 300)
        return p.returncode, out.decode(errors='replace'), False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 15)
        try:
            out, _ = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            out, _ = p.communicate()
        return None, out.decode(errors='replace'), True


def main():
    files = sys.argv[1:] or (['README.md'] + sorted(glob.glob('docs/*.md')) +
                             sorted(glob.glob('examples/*/README.md')))
    os.chdir(ROOT)
    total = passed = 0
    for f in files:
        todo = [b for b in blocks(f) if b[1] == 'sh' or b[2] == 'file']
        if not todo:
            continue
        d = scratch()
        for line, lang, mark, arg, text in todo:
            where = '%s:%d' % (f, line)
            if mark == 'file':
                with open(os.path.join(d, arg), 'w') as fh:
                    fh.write(text)
                continue
            total += 1
            if mark == 'skip':
                if not arg:
                    print('FAIL %s: a skipped block must say why (<!-- doc-test: skip REASON -->)' % where)
                    continue
                syn = subprocess.run(['bash', '-n', '-c', text], capture_output=True, text=True)
                # (what build/ holds is made by a build: only the sources must exist)
                missing = [p for p in PATHS.findall(text)
                           if not p.startswith('build/') and not glob.glob(p.rstrip('.'))]
                if syn.returncode or missing:
                    print('FAIL %s: skipped (%s) but %s' % (where, arg, syn.stderr.strip() or
                                                          'names missing paths: ' + ', '.join(missing)))
                    continue
                passed += 1
                print('ok   %s: skipped: %s (syntax and paths checked)' % (where, arg))
                continue
            service = int(arg) if mark == 'service' and arg.isdigit() else 0
            rc, out, timed = run_block(d, text, service)
            want = re.findall(r'#\s*logs\s+"([^"]+)"', text)
            lacking = [w for w in want if w not in out]
            if service:
                good = timed
                how = 'still running after %d s' % service if timed else 'ended (status %s)' % rc
            else:
                good = rc == 0 and not timed and not lacking
                how = ('timed out after 300 s' if timed else 'status %s' % rc) + \
                    (', output lacks ' + ', '.join('"%s"' % w for w in lacking) if lacking else '')
            if good:
                passed += 1
                print('ok   %s: %s' % (where, how))
            else:
                print('FAIL %s: %s\n     block:\n%s     output (last lines):\n%s' % (
                    where, how, ''.join('     | %s\n' % l for l in text.splitlines()),
                    ''.join('     | %s\n' % l for l in out.splitlines()[-15:])))
        shutil.rmtree(d, ignore_errors=True)
    print('tests/docs: %d of %d blocks passed' % (passed, total))
    return 0 if passed == total else 1


if __name__ == '__main__':
    sys.exit(main())
