"""Build script: the Cython core (emu/_core.pyx) is the only compiled part.

The compiled module is kept in build/ext-cache/ under a hash of everything it is built from
(the contents of emu/*.pyx/.pxd/.pxi/.h, Cython's and numpy's versions, the compiler and its
flags, the Python ABI).  A build whose hash is there copies the module instead of compiling it, so
``pip install -e .`` followed by ``pip install -e '.[test]'`` (each in a fresh build
environment and a fresh temporary build directory) compiles it once, and so does switching
between ``pip install -e .`` and ``python setup.py build_ext --inplace``.  ``EMU_REBUILD=1``
ignores the cache.

Optimisation: -O1 by default.  On the bench workloads (bench/bench.py, best of 12 runs each) it
runs as fast as -O2 (from 8% faster to 12% slower per workload, the total within noise) and
compiles in a third of the time (about 30 s instead of 75-140 s of CPU, and 400 MB instead of
1.3 GB): the difference between a first-hour set-up of one minute and of three.  EMU_OPT=-O2
(or any flags) selects others; EMU_DEBUG=1 builds with -O0 -g and the EMU_DEBUG checks.
"""
import hashlib
import os
import shutil
import sys
import sysconfig

import Cython
import numpy
from setuptools import Extension, setup
# setuptools' build_ext is Cython's when Cython is installed: it cythonizes each extension in
# build_extension, so a cached module costs no Cython run either
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "build", "ext-cache")

debug = os.environ.get("EMU_DEBUG") == "1"
macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
          # the semantic functions are small `cdef inline` functions called from one big
          # switch with constant arguments (access size, addressing mode): force them inline
          # so the C compiler specialises them instead of calling a generic version
          ("CYTHON_INLINE", "inline __attribute__((always_inline))")]
if debug:
    macros.append(("EMU_DEBUG", "1"))

core = Extension(
    "emu._core",
    ["emu/_core.pyx"],
    include_dirs=[numpy.get_include(), "emu"],
    define_macros=macros,
    extra_compile_args=(os.environ.get("EMU_OPT", "-O1").split() if not debug
                        else ["-O0", "-g"]),
    extra_link_args=["-pthread"],        # (the parallel phase's pool: emu/pool.h)
)
core.cython_directives = {"language_level": 3, "boundscheck": False, "wraparound": False,
                          "cdivision": True, "initializedcheck": False}


class CachedBuildExt(build_ext):
    """build_ext that reuses a module built from the same inputs (build/ext-cache)."""

    def _key(self, ext) -> str:
        """Everything the module is made from: the Cython and C sources of emu/ (contents),
        Cython's and numpy's versions, the flags, the compiler, the Python ABI."""
        h = hashlib.sha256()
        src = os.path.join(HERE, "emu")
        for f in sorted(os.listdir(src)):
            if f.endswith((".pyx", ".pxd", ".pxi", ".h")):
                with open(os.path.join(src, f), "rb") as fh:
                    h.update(f.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
        cc = self.compiler.compiler_so if self.compiler is not None else ""
        h.update(repr((ext.define_macros, ext.extra_compile_args, ext.extra_link_args,
                       getattr(ext, "cython_directives", None), cc, Cython.__version__,
                       numpy.__version__, sys.implementation.cache_tag,
                       sysconfig.get_platform())).encode())
        return h.hexdigest()[:20]

    def build_extension(self, ext):
        target = self.get_ext_fullpath(ext.name)
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        cached = os.path.join(CACHE, f"{ext.name}.{self._key(ext)}{suffix}")
        if os.path.exists(cached) and not self.force and os.environ.get("EMU_REBUILD") != "1":
            os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
            shutil.copyfile(cached, target)
            print(f"epiphany-emu: {ext.name} unchanged, reused {os.path.relpath(cached, HERE)}")
            return
        print(f"epiphany-emu: compiling {ext.name} (about a minute)", flush=True)
        super().build_extension(ext)
        try:
            os.makedirs(CACHE, exist_ok=True)
            for old in os.listdir(CACHE):               # one entry per module
                if old.startswith(ext.name + "."):
                    os.remove(os.path.join(CACHE, old))
            shutil.copyfile(target, cached + ".tmp")
            os.replace(cached + ".tmp", cached)
        except OSError:
            pass                                        # a read-only tree: no cache


setup(cmdclass={"build_ext": CachedBuildExt}, ext_modules=[core])
