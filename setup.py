"""Build script: the Cython core (emu/_core.pyx) is the only compiled part."""
import os

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

debug = os.environ.get("EMU_DEBUG") == "1"
macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
          # the semantic functions are small `cdef inline` functions called from one big
          # switch with constant arguments (access size, addressing mode): force them inline
          # so the C compiler specialises them instead of calling a generic version
          ("CYTHON_INLINE", "inline __attribute__((always_inline))")]
if debug:
    macros.append(("EMU_DEBUG", "1"))

extensions = [
    Extension(
        "emu._core",
        ["emu/_core.pyx"],
        include_dirs=[numpy.get_include(), "emu"],
        define_macros=macros,
        extra_compile_args=["-O2"] if not debug else ["-O0", "-g"],
    )
]

setup(
    ext_modules=cythonize(
        extensions,
        language_level=3,
        compiler_directives={
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
