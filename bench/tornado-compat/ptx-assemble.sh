#!/usr/bin/env bash
# TornadoVM's tensor-core and SIMD-group unit-test kernels (kernelcontext: TestMatrixMultiplicationMMA*,
# TestSIMDGroupReductions), after nothing but the import rewrite, compiled by Squall's JIT to PTX and assembled with
# ptxas -v for sm_80 and sm_90 (FP8 also sm_89): one line per kernel and architecture, with registers and spills.
# TornadoVM's code is read from a git checkout or mirror at run time and never stored in this repository.
#   bench/tornado-compat/ptx-assemble.sh [--repo GIT_DIR] [--commit REV] [--work DIR]
# Needs the runtime compiled (./mvnw -B -q -o -pl runtime compile), JDK 25, junit 4.13.2 + hamcrest-core 1.3 in ~/.m2
# (the tests' shim base class) and ptxas (CUDA toolkit). No GPU: whether the kernels compute the right thing is checked
# by scripts/bench-gpu's device check.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repo=/work/.mirror/beehive-lab+TornadoVM/repo
commit=06616ddd4
work="${TMPDIR:-/tmp}/tornado-ptx"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --commit) commit="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "ptx-assemble.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
ptxas="$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -1 || true)"
[[ -x "$ptxas" ]] || { echo "ptx-assemble.sh: ptxas not found (CUDA toolkit)" >&2; exit 1; }
m2="${M2_REPO:-$HOME/.m2/repository}"
junit="$m2/junit/junit/4.13.2/junit-4.13.2.jar:$m2/org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar"
classes="$root/runtime/target/classes"
[[ -d "$classes/io/squall/api" ]] || { echo "ptx-assemble.sh: $classes missing: run ./mvnw -B -q -o -pl runtime compile" >&2; exit 1; }
deps="$(cd "$root" && ./mvnw -B -q -o -pl runtime dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=/dev/stdout)"

pkg=uk/ac/manchester/tornado/unittests/kernelcontext
tests="matrices/TestMatrixMultiplicationMMA matrices/TestMatrixMultiplicationMMABF16 matrices/TestMatrixMultiplicationMMACpAsync
  matrices/TestMatrixMultiplicationMMAInt8 matrices/TestMatrixMultiplicationMMAFP8 reductions/TestSIMDGroupReductions"
rm -rf "$work"; mkdir -p "$work/src" "$work/classes"
for t in $tests; do
  out="$work/src/$pkg/$t.java"; mkdir -p "$(dirname "$out")"
  git --git-dir="$repo" show "$commit:tornado-unittests/src/main/java/$pkg/$t.java" \
    | sed 's/uk\.ac\.manchester\.tornado\.api\b/io.squall.api/g' > "$out"
done
cp="$classes:$deps:$junit"
"$java_home/bin/javac" -nowarn -d "$work/classes" -cp "$cp" $(find "$here/shim" -name '*.java') $(find "$work/src" -name '*.java')
"$java_home/bin/javac" -nowarn -d "$work/classes" -cp "$cp" "$here/PtxAssemble.java"
names=""; for t in $tests; do names="$names ${pkg//\//.}.${t//\//.}"; done
rc=0
"$java_home/bin/java" --add-modules jdk.incubator.vector -cp "$work/classes:$cp" PtxAssemble "$ptxas" sm_80,sm_89,sm_90 $names || rc=$?
exit $rc
