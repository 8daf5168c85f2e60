#!/usr/bin/env bash
# TornadoVM's own unit tests on Squall after nothing but the import rewrite (uk.ac.manchester.tornado.api ->
# io.squall.api), with our JUnit 4 TornadoTestBase shim (shim/). TornadoVM's code is read from a git checkout or
# mirror at run time and never stored in this repository.
#   bench/tornado-compat/run.sh [--repo GIT_DIR] [--commit REV] [--devices "opencl:0 jvm spirv:0"] [--areas "a b"] [--work DIR]
# Needs the runtime compiled (./mvnw -B -q -o -pl runtime compile), JDK 25 and junit 4.13.2 + hamcrest-core 1.3 in ~/.m2.
# Prints, per area and device, how many test methods pass; per-method results are in WORK/results-DEVICE.txt.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repo=/work/.mirror/beehive-lab+TornadoVM/repo
commit=06616ddd4
devices="opencl:0 jvm spirv:0"
areas="foundation arrays kernelcontext reductions atomics matrices math tasks loops branching"
work="${TMPDIR:-/tmp}/tornado-compat"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --commit) commit="$2"; shift 2 ;;
    --devices) devices="$2"; shift 2 ;;
    --areas) areas="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
junit="$m2/junit/junit/4.13.2/junit-4.13.2.jar:$m2/org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar"
for jar in ${junit//:/ }; do [[ -f "$jar" ]] || { echo "run.sh: missing $jar" >&2; exit 1; }; done
classes="$root/runtime/target/classes"
[[ -d "$classes/io/squall/api" ]] || { echo "run.sh: $classes missing: run ./mvnw -B -q -o -pl runtime compile" >&2; exit 1; }
git --git-dir="$repo" cat-file -e "$commit^{commit}" 2>/dev/null || { echo "run.sh: no commit $commit in $repo (fetch github:beehive-lab/TornadoVM)" >&2; exit 1; }
deps="$(cd "$root" && ./mvnw -B -q -o -pl runtime dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=/dev/stdout)"

rm -rf "$work"; mkdir -p "$work/src" "$work/classes" "$work/harness"
# a snapshot of the runtime's classes, so rebuilding the runtime meanwhile does not change a run
cp -r "$classes" "$work/runtime-classes"; classes="$work/runtime-classes"
base=tornado-unittests/src/main/java
for area in $areas; do
  git --git-dir="$repo" ls-tree -r --name-only "$commit" "$base/uk/ac/manchester/tornado/unittests/$area/" | while read -r f; do
    out="$work/src/${f#$base/}"
    mkdir -p "$(dirname "$out")"
    git --git-dir="$repo" show "$commit:$f" | sed 's/uk\.ac\.manchester\.tornado\.api\b/io.squall.api/g' > "$out"
  done
done
cp="$classes:$deps:$junit"
"$java_home/bin/javac" -nowarn -d "$work/classes" -cp "$cp" $(find "$here/shim" -name '*.java')
"$java_home/bin/javac" -nowarn -d "$work/harness" -cp "$junit" "$here/Harness.java"
hcp="$work/harness:$work/classes:$cp"
"$java_home/bin/java" -cp "$hcp" Harness compile "$work/src" "$work/classes" "$work/classes:$cp" "$work/compile.txt"
echo "$(grep -c . "$work/compile.txt" || true) test methods in files that do not compile; $(find "$work/src" -name '*.java' | wc -l) files"

for dev in $devices; do
  results="$work/results-$dev.txt"
  cp "$work/compile.txt" "$results"
  while true; do
    rc=0
    LD_PRELOAD="$java_home/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}" \
    "$java_home/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xss8m -Dsquall.device="$dev" \
      -cp "$hcp" Harness run "$work/classes" "$work/src" "$results" > "$work/log-$dev.txt" 2>&1 || rc=$?
    [[ $rc -eq 0 ]] && break
    # 3: a test timed out; anything else: the JVM died (the next run records CRASH for the test it was running)
    tail -1 "$results" | grep -q "^START\|^TIMEOUT" || { echo "run.sh: harness failed on $dev (rc $rc), see $work/log-$dev.txt" >&2; break; }
  done
done

echo
printf '%-14s' area; for dev in $devices; do printf '%16s' "$dev"; done; echo
for area in $areas total; do
  printf '%-14s' "$area"
  for dev in $devices; do
    sel="uk.ac.manchester.tornado.unittests.$area."; [[ $area == total ]] && sel="uk.ac.manchester.tornado.unittests."
    pass=$(grep -v '^START' "$work/results-$dev.txt" | grep -F "$sel" | grep -c '^PASS' || true)
    all=$(grep -v '^START' "$work/results-$dev.txt" | grep -F "$sel" | grep -c . || true)
    printf '%16s' "$pass/$all"
  done
  echo
done
for dev in $devices; do
  echo "$dev: $(grep -v '^START' "$work/results-$dev.txt" | cut -f1 | sort | uniq -c | tr '\n' ' ')"
done
