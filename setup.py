"""Offline pip install of the precis Python package.

    /usr/bin/python3 -m pip install --no-build-isolation --no-index --break-system-packages .

build_ext drives CMake (scikit-build is not in Debian 12): it configures the C++ library and the
pybind11 module with Debian's interpreter, builds the `_core` target, and copies the assembled
package into the wheel. The CMake build folder is kept apart from setuptools' `build/`.
"""

import os
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        out_dir = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Release",
                f"-DPython3_EXECUTABLE={sys.executable}",
                "-DPRECIS_BUILD_TESTS=OFF", "-DPRECIS_BUILD_BENCHMARKS=OFF",
                "-DPRECIS_BUILD_CLI=OFF", "-DPRECIS_BUILD_PYTHON=ON", "-DPRECIS_INSTALL=OFF",
                f"-DPRECIS_PYTHON_OUT={out_dir.parent}",
            ],
            check=True,
        )
        jobs = os.environ.get("PRECIS_JOBS", str(os.cpu_count() or 2))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_core", "-j", jobs],
                       check=True)


setup(
    name="precis",
    version="0.1.0",
    description="Scores LLM-written summaries against their sources",
    packages=["precis"],
    package_dir={"precis": "bindings/python/precis"},
    package_data={"precis": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("precis._core")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    zip_safe=False,
)
