# rstar4j program runner: the reference's output semantics, shared by the GraalPy sandbox and the
# CPython worker pool so that both give the same outcome for the same program.
#
# rstar_run(code) runs one program in a fresh namespace and returns (kind, text, intact), intact
# saying whether the runner's own state survived the program (else the interpreter is replaced):
#   kind "output":  text = captured stdout, else the value of a trailing expression, stripped,
#                   a float rounded to 4 decimals when that is shorter, 512 + "..." + 512 truncation
#   kind "error":   text = "TypeName: message" (the last line of the traceback), truncated alike
#   kind "refused": text = what the sandbox refused ("PermissionError: ...", output cap)
#
# rstar_setup(...) hardens the interpreter once (called when a pooled context or worker starts).

import sys as _sys
import builtins as _builtins

_MAX_OUTPUT_CHARS = 1 << 20
_RECURSION_LIMIT = 1000
_TRUNCATE = 1024
_DENIED_IMPORTS = frozenset(
    ["java", "polyglot", "_polyglot", "__graalpython__", "ctypes", "_ctypes", "cffi",
     "multiprocessing", "_posixsubprocess", "pty", "_winapi", "winreg"])
_state = {"refused": None, "active": False, "globals": None}


class _OutputLimitExceeded(BaseException):
    pass


def _refuse(what):
    msg = what + " is not allowed in the sandbox"
    if _state["refused"] is None:
        _state["refused"] = msg
    raise PermissionError(msg)


def _refuser(what):
    def refused(*args, **kwargs):
        _refuse(what)
    refused.__name__ = what.rsplit(".", 1)[-1].rstrip("()")
    return refused


class _CappedWriter(object):
    """A text stream that keeps at most max_chars characters and refuses more."""

    def __init__(self, max_chars):
        self.parts = []
        self.size = 0
        self.max_chars = max_chars
        self.over = False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not " + type(s).__name__)
        if self.over:
            raise _OutputLimitExceeded()
        self.size += len(s)
        if self.size > self.max_chars:
            self.over = True
            raise _OutputLimitExceeded()
        self.parts.append(s)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

    @property
    def encoding(self):
        return "utf-8"

    def getvalue(self):
        return "".join(self.parts)


class _NoInput(object):
    def read(self, *a):
        _refuse("reading stdin")

    readline = read
    readlines = read

    def __iter__(self):
        _refuse("reading stdin")

    def isatty(self):
        return False

    def fileno(self):
        _refuse("reading stdin")

    def close(self):
        pass


_real_import = _builtins.__import__
_real_open = _builtins.open


def _called_from_user(depth):
    g = _state["globals"]
    if g is None:
        return False
    try:
        return _sys._getframe(depth).f_globals is g
    except ValueError:
        return False


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split(".", 1)[0] in _DENIED_IMPORTS and _state["globals"] is not None:
        if globals is _state["globals"] or (globals is None and _called_from_user(2)):
            _refuse("import " + name)
    return _real_import(name, globals, locals, fromlist, level)


def _guarded_open(*args, **kwargs):
    if _called_from_user(2):
        _refuse("open()")
    return _real_open(*args, **kwargs)


def _no_input(*args, **kwargs):
    _refuse("input()")


def _exit(code=None):
    raise SystemExit(code)


_builtins_snapshot = None


def _harden_builtins():
    # GraalPy looks builtins up in the builtins module whatever a namespace's __builtins__ says,
    # so the guards go into the module itself and tell user code apart by its globals.
    global _builtins_snapshot
    _builtins.__import__ = _guarded_import
    _builtins.open = _guarded_open
    _builtins.input = _no_input
    _builtins.exit = _exit
    _builtins.quit = _exit
    for n in ("help", "breakpoint"):
        setattr(_builtins, n, _refuser(n + "()"))
    try:
        import importlib
        real_import_module = importlib.import_module

        def import_module(name, package=None):
            if _called_from_user(2) and name.split(".", 1)[0] in _DENIED_IMPORTS:
                _refuse("import " + name)
            return real_import_module(name, package)

        importlib.import_module = import_module
    except ImportError:
        pass
    _builtins_snapshot = dict(_builtins.__dict__)


def _restore_builtins():
    d = _builtins.__dict__
    # the plain snapshot dict on the left: about twice as fast on GraalPy as the module's dict
    if len(d) != len(_builtins_snapshot) or _builtins_snapshot != d:
        d.clear()
        d.update(_builtins_snapshot)


def _patch(module, names, prefix):
    for n in names:
        if hasattr(module, n):
            try:
                setattr(module, n, _refuser(prefix + n + "()"))
            except (AttributeError, TypeError):
                pass


def rstar_setup(max_output_chars, recursion_limit, preload):
    """Hardens this interpreter once: dangerous functions refuse, limits set, modules imported."""
    global _MAX_OUTPUT_CHARS, _RECURSION_LIMIT
    _MAX_OUTPUT_CHARS = int(max_output_chars)
    _RECURSION_LIMIT = int(recursion_limit)
    import os
    import ast  # the runner needs it; import once here
    global _ast
    _ast = ast
    os_names = ["system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execle",
                "execlp", "execlpe", "execvp", "execvpe", "spawnl", "spawnle", "spawnlp",
                "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn",
                "posix_spawnp", "kill", "killpg", "_exit", "abort", "remove", "unlink", "rmdir",
                "removedirs", "mkdir", "makedirs", "rename", "renames", "replace", "chmod",
                "fchmod", "lchmod", "chown", "fchown", "lchown", "symlink", "link", "truncate",
                "ftruncate", "putenv", "unsetenv", "chdir", "fchdir", "chroot", "mkfifo", "mknod",
                "setuid", "setgid", "nice", "utime", "startfile", "plock"]
    try:
        os.environ.clear()
    except Exception:
        pass
    _patch(os, os_names, "os.")
    try:
        import posix
        _patch(posix, os_names, "os.")
    except ImportError:
        pass
    for modname, names in (
            ("subprocess", ["Popen", "run", "call", "check_call", "check_output", "getoutput",
                            "getstatusoutput"]),
            ("socket", ["socket", "create_connection", "create_server", "socketpair", "fromfd",
                        "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                        "getfqdn", "gethostname"]),
            ("_socket", ["socket", "socketpair", "getaddrinfo", "gethostbyname",
                         "gethostbyname_ex", "gethostbyaddr", "gethostname"]),
            ("shutil", ["rmtree", "copy", "copy2", "copyfile", "copytree", "move", "chown",
                        "make_archive", "unpack_archive"]),
            ("_thread", ["start_new_thread", "start_new"]),
            ("signal", ["signal", "alarm", "setitimer", "pthread_kill", "raise_signal",
                        "siginterrupt", "set_wakeup_fd", "pthread_sigmask", "sigwait"]),
            ("_signal", ["signal", "alarm", "setitimer", "pthread_kill", "raise_signal",
                         "siginterrupt", "set_wakeup_fd", "pthread_sigmask", "sigwait"]),
            ("sys", ["setrecursionlimit", "settrace", "setprofile", "addaudithook"])):
        try:
            mod = __import__(modname)
        except Exception:
            continue
        _patch(mod, names, modname + ".")
    _harden_builtins()
    _set_recursion_limit(_RECURSION_LIMIT)
    if isinstance(preload, str):
        preload = preload.split(",")
    loaded = []
    failed = []
    for name in preload:
        name = name.strip()
        if not name:
            continue
        try:
            __import__(name)
            loaded.append(name)
        except BaseException as e:
            failed.append(name + " (" + _error_text(e) + ")")
    _snapshot_integrity()
    return ",".join(loaded) + "\n" + "; ".join(failed)


_original_setrecursionlimit = _sys.setrecursionlimit
_original_addaudithook = getattr(_sys, "addaudithook", None)


def _set_recursion_limit(n):
    _original_setrecursionlimit(n)


def _truncate(s):
    if len(s) > _TRUNCATE:
        half = _TRUNCATE // 2
        return s[:half] + "..." + s[-half:]
    return s


def _round_float_text(s):
    # A float output is rounded to 4 decimals when that is shorter (the reference's rule).
    if not s or len(s) > 64 or ("." not in s and "e" not in s and "E" not in s):
        return s
    try:
        f = float(s)
    except ValueError:
        return s
    if f != f or f in (float("inf"), float("-inf")):
        return s
    r = str(round(f, 4))
    return r if len(r) < len(s) else s


def _error_text(e):
    t = type(e)
    name = t.__qualname__
    mod = t.__module__
    if mod not in ("builtins", "__main__", None):
        name = mod + "." + name
    try:
        msg = str(e)
    except BaseException:
        msg = "<exception str() failed>"
    if isinstance(e, SyntaxError) and e.msg is not None:
        msg = e.msg
    return name + ": " + msg if msg else name


def _value_text(v):
    if v is None:
        return ""
    return str(v)


_ast = None
_SIMPLE_KEYWORDS = frozenset(["import", "from", "def", "class", "return", "pass", "break",
                              "continue", "raise", "del", "assert", "global", "nonlocal"])
_COMPOUND_KEYWORDS = frozenset(["if", "elif", "else", "for", "while", "with", "try", "except",
                                "finally", "def", "class", "async"])
_TARGET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_., []")
_AUGMENT_CHARS = frozenset("+-*/%&|^@")


def _bracket_balance(text):
    return (text.count("(") + text.count("[") + text.count("{")
            - text.count(")") - text.count("]") - text.count("}"))


def _strip_comments(text):
    if "#" not in text:
        return text
    return "\n".join(l.split("#", 1)[0] for l in text.split("\n"))


def _first_word(text):
    w = text.split(None, 1)[0] if text.strip() else ""
    return w.split(":", 1)[0].split("(", 1)[0]


def _is_assignment(body):
    i = body.find("=")
    if i <= 0 or body[i + 1:i + 2] == "=" or body[i - 1] in "=<>!":
        return False
    target = body[:i]
    if target[-1] in _AUGMENT_CHARS:
        target = target[:-1]
        if target and target[-1] in "*/" and target[-1] == body[i - 2]:
            target = target[:-1]  # ** and //
    target = target.rstrip()
    return (bool(target) and (target[0].isalpha() or target[0] == "_")
            and all(c in _TARGET_CHARS for c in target))


def _ends_with_statement(code):
    """True only when the last top-level statement is certainly not an expression with a value.

    A cheap look at the source text with string methods only (no regular expressions, which are
    slow in GraalPy's interpreter mode); anything unusual (triple quotes, backslash
    continuations, brackets still open, quotes that do not pair up, semicolons) answers False,
    and the caller then parses the program exactly."""
    if '"""' in code or "'''" in code or "\\\n" in code:
        return False
    lines = code.split("\n")
    last = -1
    for i in range(len(lines) - 1, -1, -1):
        t = lines[i].strip()
        if t and not t.startswith("#"):
            last = i
            break
    if last < 0:
        return True  # only comments and blank lines
    line = lines[last]
    if line[0] in " \t":
        top = -1
        for i in range(last - 1, -1, -1):
            t = lines[i]
            if t and t[0] not in " \t#" and t.strip():
                top = i
                break
        if top < 0:
            return False
        head = lines[top].split("#", 1)[0].rstrip()
        before = _strip_comments("\n".join(lines[:top]))
        return (_first_word(head) in _COMPOUND_KEYWORDS and head.endswith(":")
                and ";" not in head
                and _bracket_balance(head) == 0 and _bracket_balance(before) == 0
                and before.count('"') % 2 == 0 and before.count("'") % 2 == 0)
    body = line.split("#", 1)[0].rstrip()
    before = _strip_comments("\n".join(lines[:last]))
    if (_bracket_balance(before) != 0 or _bracket_balance(body) != 0 or body.endswith(",")
            or ";" in body or before.count('"') % 2 or before.count("'") % 2):
        return False
    return (_first_word(body) in _SIMPLE_KEYWORDS or body.startswith("print(")
            or _is_assignment(body))


def _run(code, ends=None):
    """Runs one program from a fresh namespace; returns (kind, text). ends: whether the program
    certainly ends with a statement (as _ends_with_statement answers; None: ask it)."""
    ast = _ast
    out = _CappedWriter(_MAX_OUTPUT_CHARS)
    g = {"__name__": "__main__", "__builtins__": _builtins, "__doc__": None}
    saved = (_sys.stdout, _sys.stderr, _sys.stdin)
    _state["refused"] = None
    kind = "output"
    text = ""
    _set_recursion_limit(_RECURSION_LIMIT)
    _sys.stdout = out
    _sys.stderr = _CappedWriter(_MAX_OUTPUT_CHARS)
    _sys.stdin = _NoInput()
    _state["globals"] = g
    try:
        if "decimal" in code and "decimal" in _sys.modules:
            d = _sys.modules["decimal"]
            d.setcontext(d.Context())  # the decimal context is per thread, not per namespace
        last = None
        if _ends_with_statement(code) if ends is None else ends:
            # fast path: no trailing expression, so no AST round trip (ast.parse + compile of
            # the tree costs several times a plain compile on GraalPy)
            exec(compile(code, "<step>", "exec"), g)
        else:
            tree = ast.parse(code, "<step>", "exec")
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                tail = ast.Expression(tree.body.pop().value)
                exec(compile(tree, "<step>", "exec"), g)
                last = eval(compile(tail, "<step>", "eval"), g)
            else:
                exec(compile(tree, "<step>", "exec"), g)
        printed = out.getvalue()
        text = printed if printed else _value_text(last)
        text = text.strip()
    except _OutputLimitExceeded:
        kind = "refused"
    except BaseException as e:  # the reference reports every failure, SystemExit included
        kind = "error"
        text = _error_text(e)
    finally:
        _state["globals"] = None
        _sys.stdout, _sys.stderr, _sys.stdin = saved
        _restore_builtins()
    if out.over:
        return ("refused", "OutputLimitExceeded: output exceeded " + str(_MAX_OUTPUT_CHARS)
                + " characters")
    if _state["refused"] is not None:
        return ("refused", "PermissionError: " + _state["refused"])
    if kind == "output":
        text = _round_float_text(text)
    return (kind, _truncate(text))


_integrity = [None]  # filled by _snapshot_integrity; _intact holds this very list
_STATE_KEYS = frozenset(_state)


_STDLIB_CHECKED = ("math", "cmath", "fractions", "decimal", "itertools", "functools",
                   "collections", "statistics", "random", "re", "string", "operator", "os",
                   "time", "datetime")


def _snapshot_integrity():
    """Remembers the runner's globals, the loaded modules, sys.path and the namespaces of the
    common standard modules, so that a program changing any of them for later runs is noticed."""
    g = globals()
    modules = tuple(_sys.modules.items())
    checked = tuple((m.__dict__, dict(m.__dict__)) for m in
                    (_sys.modules.get(n) for n in _STDLIB_CHECKED) if m is not None)
    # one dict comparison (a builtin) instead of a lookup per name: the runner's globals as
    # they are now, _integrity (this list) and _state included
    _integrity[0] = (g, dict(g), _builtins_snapshot, len(_builtins_snapshot), _state,
                     tuple(k for k, _ in modules), tuple(v for _, v in modules),
                     tuple(_sys.path), checked)


_TRIGGERS = ("sys", "__", "setattr", "delattr", "vars(", "globals", "locals", "exec", "eval",
             "compile", "getattr", "del ", "builtins", "importlib", "gc", "reload", "context")


def _may_touch_shared_state(code):
    """False only when the source text cannot change module state: no introspection words and
    no assignment to an attribute (checking the world costs about a millisecond on GraalPy)."""
    for t in _TRIGGERS:
        if t in code:
            return True
    for line in code.split("\n"):
        if "." not in line:
            continue
        i = line.find("=")
        while i > 0:
            if line[i + 1:i + 2] != "=" and line[i - 1] not in "=!<>" and "." in line[:i]:
                return True
            i = line.find("=", i + 2)
        if line.lstrip().startswith(("for ", "with ", "async ")):
            return True
    return False


def _intact(world=True, _integrity=_integrity):
    """Whether this interpreter is as rstar_setup left it: the runner's state and, with world,
    the modules loaded then, sys.path and the standard modules' namespaces (a program that
    changes them, by assignment or through frames, would leak into later runs; the pool then
    replaces the interpreter)."""
    g, runner, snapshot, size, state, mod_names, mods, path, checked = _integrity[0]
    if not (g == runner and g.get("_state") is state
            and len(snapshot) == size and frozenset(state) == _STATE_KEYS):
        return False
    return not world or (tuple(map(_sys.modules.get, mod_names)) == mods
                         and tuple(_sys.path) == path
                         and all(d == saved for d, saved in checked))


def rstar_run(code, ends=None, world=None, _run=_run, _intact=_intact,
              _may_touch=_may_touch_shared_state):
    """Runs one program from a fresh namespace; returns (kind, text, intact). A host that
    computed _ends_with_statement(code) and _may_touch_shared_state(code) itself (the GraalPy
    pool, in Java) passes them as ends and world; None: computed here."""
    kind, text = _run(code, ends)
    return (kind, text, _intact(_may_touch(code) if world is None else world))


def _worker_main():
    """CPython worker: JSON lines {"id", "code"} in, {"id", "kind", "text"} out."""
    import json
    import os
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    cfg = json.loads(proto_in.readline())
    _sys.dont_write_bytecode = True
    for p in reversed(cfg.get("pythonPath", [])):
        _sys.path.insert(0, p)
    try:
        import resource
        for lim, value in ((resource.RLIMIT_AS, cfg.get("memoryBytes")),
                           (resource.RLIMIT_FSIZE, 0),
                           (resource.RLIMIT_CORE, 0),
                           (resource.RLIMIT_NPROC, cfg.get("maxProcesses"))):
            if value is not None and value >= 0:
                try:
                    resource.setrlimit(lim, (value, value))
                except (ValueError, OSError):
                    pass
    except ImportError:
        pass
    loaded = rstar_setup(cfg["maxOutputChars"], cfg["recursionLimit"], cfg.get("preload", []))
    _install_audit_hook(cfg.get("readRoots", []))
    run = rstar_run
    proto_out.write(json.dumps({"ready": True, "loaded": loaded}) + "\n")
    proto_out.flush()
    for line in proto_in:
        req = json.loads(line)
        _state["active"] = True
        try:
            kind, text, intact = run(req["code"])
        finally:
            _state["active"] = False
        proto_out.write(json.dumps({"id": req["id"], "kind": kind, "text": text,
                                    "intact": intact}) + "\n")
        proto_out.flush()


def _install_audit_hook(read_roots):
    import os
    roots = tuple(os.path.realpath(r) for r in list(read_roots) + list(_sys.path) if r)
    denied_prefixes = ("socket.", "subprocess.", "os.", "shutil.", "urllib.",
                       "http.", "ftplib.", "smtplib.", "webbrowser.", "pty.", "mmap.",
                       "sqlite3.", "fcntl.", "resource.", "signal.", "_thread.")
    allowed = frozenset(["os.listdir", "os.scandir", "os.walk"])

    def writing_mode(mode):
        return mode is not None and any(c in str(mode) for c in "wax+")

    def hook(event, args):
        if not _state["active"]:
            return
        if event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, int):
                _refuse("opening a file descriptor")
            name = os.fsdecode(path)
            if name.startswith("<") and not writing_mode(mode):
                return  # pseudo file names such as <step>; nothing to open
            p = os.path.realpath(name)
            writing = writing_mode(mode)
            if writing or not p.startswith(roots):
                _refuse("open(" + repr(os.fsdecode(path)) + ")")
        elif event == "builtins.input":
            _refuse("input()")
        elif event.startswith("ctypes."):
            # libraries (mpmath, sympy) load shared libraries through ctypes while they import
            # lazily; program code itself may not (its own "import ctypes" is refused anyway)
            if _called_from_user(2) or _called_from_user(3):
                _refuse(event)
        elif event.startswith(denied_prefixes) and event not in allowed:
            _refuse(event)

    _original_addaudithook(hook)
