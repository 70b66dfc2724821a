# Replaces GraalPy's unicodedata when native access is off: GraalPy delegates lookup,
# east_asian_width, combining and ucd_3_2_0 to a C extension, which cannot load without native
# access (sympy calls unicodedata.lookup while it imports). The other functions are GraalPy's own.
import sys as _sys
import types as _types


def _install_unicodedata_stub():
    real = __import__("unicodedata")
    delegated = ("lookup", "east_asian_width", "combining", "ucd_3_2_0")
    stub = _types.ModuleType("unicodedata", "unicodedata without native code (rstar4j stub)")
    for attr in ("name", "category", "bidirectional", "decimal", "digit", "numeric", "mirrored",
                 "decomposition", "normalize", "is_normalized", "unidata_version"):
        if attr in delegated:
            continue
        try:
            setattr(stub, attr, getattr(real, attr))
        except AttributeError:
            pass
    table = {}
    ranges = ((0x0000, 0x3400), (0xFB00, 0xFFF0), (0x1D400, 0x1D800))

    def _build():
        if table:
            return
        name = stub.name
        for lo, hi in ranges:
            for cp in range(lo, hi):
                n = name(chr(cp), None)
                if n is not None:
                    table[n] = chr(cp)

    def lookup(name):
        _build()
        key = str(name).upper()
        if key in table:
            return table[key]
        raise KeyError("undefined character name '%s'" % name)

    def east_asian_width(ch):
        cp = ord(ch)
        if 0x1100 <= cp <= 0x115F or 0x2E80 <= cp <= 0xA4CF or 0xAC00 <= cp <= 0xD7A3 \
                or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFF60 or 0xFFE0 <= cp <= 0xFFE6:
            return "W"
        return "N" if cp > 0x7F else "Na"

    def combining(ch):
        return 230 if stub.category(ch) in ("Mn", "Me") else 0

    stub.lookup = lookup
    stub.east_asian_width = east_asian_width
    stub.combining = combining
    stub.ucd_3_2_0 = stub
    _sys.modules["unicodedata"] = stub


_install_unicodedata_stub()
