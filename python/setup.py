"""Build libimapclient's Python package (a C extension on the public C API).

Where the C library comes from, in this order:

1. IMAPCLIENT_BUILD_DIR=<dir>: an existing CMake build tree of this
   repository; its static libimapclient.a is linked in (with OpenSSL and
   zlib), headers from the source tree next to this file.
2. IMAPCLIENT_USE_PKGCONFIG=1, or no source tree next to this file (an
   sdist): an installed library found with `pkg-config imapclient`, linked
   as a shared library with an rpath to its directory.
3. Otherwise (a checkout: `pip install ./python`): the library is built
   from ../ with CMake (Release, static, no tests) into build/libimapclient
   under this directory and linked in.

Install with Debian's pip and setuptools, no registry needed:
    python3 -m pip install --no-build-isolation ./python
"""
import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IN_TREE = os.path.exists(os.path.join(ROOT, "include", "imapclient.h")) and os.path.exists(
    os.path.join(ROOT, "CMakeLists.txt")
)


def pkg_config(*args):
    out = subprocess.run(
        ["pkg-config", *args, "imapclient"], check=True, capture_output=True, text=True
    ).stdout
    return shlex.split(out)


def static_from(build_dir):
    lib = os.path.join(build_dir, "libimapclient.a")
    if not os.path.exists(lib):
        sys.exit("setup.py: %s not found (build the library first)" % lib)
    return dict(
        include_dirs=[os.path.join(ROOT, "include")],
        extra_objects=[lib],
        libraries=["ssl", "crypto", "z"],
        depends=[lib],
    )


def cmake_build():
    build_dir = os.path.join(HERE, "build", "libimapclient")
    jobs = str(os.cpu_count() or 2)
    subprocess.run(
        [
            "cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
            "-DIMAPCLIENT_BUILD_TESTS=OFF", "-DIMAPCLIENT_BUILD_CLI=OFF",
            "-DIMAPCLIENT_BUILD_BENCH=OFF",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        ["cmake", "--build", build_dir, "-j", jobs, "--target", "imapclient_static"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return build_dir


def library_flags():
    build_dir = os.environ.get("IMAPCLIENT_BUILD_DIR")
    if build_dir:
        return static_from(os.path.abspath(build_dir))
    if os.environ.get("IMAPCLIENT_USE_PKGCONFIG") == "1" or not IN_TREE:
        cflags = pkg_config("--cflags")
        libs = pkg_config("--libs")
        libdirs = [f[2:] for f in libs if f.startswith("-L")]
        return dict(
            include_dirs=[f[2:] for f in cflags if f.startswith("-I")],
            library_dirs=libdirs,
            libraries=[f[2:] for f in libs if f.startswith("-l")],
            runtime_library_dirs=libdirs,
        )
    if any(a in sys.argv for a in ("build_ext", "build", "install", "bdist_wheel",
                                   "develop", "editable_wheel", "bdist")):
        return static_from(cmake_build())
    return dict(include_dirs=[os.path.join(ROOT, "include")])


ext = Extension(
    "libimapclient._imapclient",
    sources=["src/_imapclient.c"],
    extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Wno-missing-field-initializers", "-fvisibility=hidden"],
    **library_flags(),
)

setup(
    name="libimapclient",
    version="0.1.0",
    description="IMAPClient's API backed by libimapclient (C)",
    license="MIT",
    packages=["libimapclient"],
    ext_modules=[ext],
    python_requires=">=3.9",
)
